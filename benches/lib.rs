//! Helpers shared by atomic's benchmark programs (`swarm`, `session-bench`): running
//! commands, timing them, and measuring disk and memory.
//!
//! The criterion benchmarks live in `benches/benches/`; the comparison scripts beside
//! this file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Runs `cmd` and returns its output, or an error naming the command with its stderr.
///
/// # Errors
/// The command could not start, or exited with a failure status.
pub fn run(cmd: &mut Command) -> Result<Output, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out)
}

/// Runs `cmd` like [`run`], with `input` on its standard input.
///
/// # Errors
/// As [`run`], and a failed write of the input.
pub fn run_with_input(cmd: &mut Command, input: &[u8]) -> Result<Output, String> {
    use std::io::Write as _;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(input)
        .map_err(|e| format!("writing to {cmd:?}: {e}"))?;
    let out = child
        .wait_with_output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out)
}

/// Clones `source` with `atomic clone` (atomic binary `bin`) into `dest`.
///
/// # Errors
/// As [`run`].
pub fn atomic_clone(bin: &Path, source: &Path, dest: &Path) -> Result<(), String> {
    eprintln!("atomic clone {} ...", source.display());
    run(Command::new(bin)
        .args(["--quiet", "clone"])
        .arg(source)
        .arg(dest))
    .map(drop)
}

/// Runs `cmd` like [`run`] and returns its output with the wall time it took.
///
/// # Errors
/// As [`run`].
pub fn timed(cmd: &mut Command) -> Result<(Output, Duration), String> {
    let started = Instant::now();
    let out = run(cmd)?;
    Ok((out, started.elapsed()))
}

/// The `atomic` binary to drive: `explicit`, else the one next to this program (cargo
/// builds them into the same directory), else `atomic` on the `PATH`.
pub fn atomic_binary(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_owned();
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join("atomic")))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("atomic"))
}

/// Starts `atomic serve` (the binary `bin`) in `repo` and waits until its socket answers.
///
/// # Errors
/// The server did not start, or did not listen within 60 s.
pub fn start_server(bin: &Path, repo: &Path) -> Result<std::process::Child, String> {
    let child = Command::new(bin)
        .current_dir(repo)
        .args(["--quiet", "serve"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start atomic serve: {e}"))?;
    let socket = repo.join(".atomic/serve.sock");
    let started = Instant::now();
    while std::os::unix::net::UnixStream::connect(&socket).is_err() {
        if started.elapsed() > Duration::from_secs(60) {
            return Err("atomic serve did not start within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(child)
}

/// A JSON-RPC 2.0 client of `atomic serve`, over one connection (see the book's protocol
/// page): what an agent host, an SDK or a mount would hold open.
pub struct RpcClient {
    reader: std::io::BufReader<std::os::unix::net::UnixStream>,
    writer: std::os::unix::net::UnixStream,
    next_id: u64,
}

impl RpcClient {
    /// Connects to the server of the repository at `repo`.
    ///
    /// # Errors
    /// Nobody listens there.
    pub fn connect(repo: &Path) -> Result<Self, String> {
        let socket = repo.join(".atomic/serve.sock");
        let stream = std::os::unix::net::UnixStream::connect(&socket)
            .map_err(|e| format!("cannot connect to {}: {e}", socket.display()))?;
        let writer = stream.try_clone().map_err(|e| e.to_string())?;
        Ok(RpcClient {
            reader: std::io::BufReader::new(stream),
            writer,
            next_id: 1,
        })
    }

    /// Calls `method` with `params`; returns the result, or the error's kind and message.
    ///
    /// # Errors
    /// The method's error (`kind: message`), or a broken connection.
    pub fn call(
        &mut self,
        method: &str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, String> {
        use std::io::{BufRead, Write};
        let request = serde_json::json!({
            "jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params,
        });
        self.next_id += 1;
        let mut line = serde_json::to_vec(&request).map_err(|e| e.to_string())?;
        line.push(b'\n');
        self.writer.write_all(&line).map_err(|e| e.to_string())?;
        let mut answer = String::new();
        self.reader
            .read_line(&mut answer)
            .map_err(|e| e.to_string())?;
        let mut v: serde_json::Value =
            serde_json::from_str(&answer).map_err(|e| format!("{e}: {answer}"))?;
        if let Some(e) = v.get("error") {
            return Err(format!(
                "{}: {}",
                e["data"]["kind"].as_str().unwrap_or("error"),
                e["message"].as_str().unwrap_or("")
            ));
        }
        Ok(v["result"].take())
    }
}

/// How [`disk_usage`] counts a file.
#[derive(Clone, Copy, Debug)]
pub enum Measure {
    /// Its length: the bytes written (`du --apparent-size`).
    Apparent,
    /// Its allocated blocks (`du`), which counts space reserved ahead, such as
    /// RocksDB's preallocated write-ahead log.
    Allocated,
}

/// The size of the files under `path` in bytes, counted as `measure` says (symbolic
/// links are not followed). A missing path is 0.
pub fn disk_usage(path: &Path, measure: Measure) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0;
    let mut stack = vec![path.to_owned()];
    while let Some(p) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        total += match measure {
            Measure::Apparent if meta.is_file() => meta.len(),
            Measure::Apparent => 0,
            Measure::Allocated => meta.blocks() * 512,
        };
        if meta.is_dir()
            && let Ok(entries) = std::fs::read_dir(&p)
        {
            stack.extend(entries.flatten().map(|e| e.path()));
        }
    }
    total
}

/// What `atomic --json symbols` says of the repository at `repo` (run without a server),
/// as `T` (a list of files).
///
/// # Errors
/// The command failed, or its output is not a `T`.
pub fn list_symbols<T: serde::de::DeserializeOwned>(bin: &Path, repo: &Path) -> Result<T, String> {
    let out = run(Command::new(bin)
        .current_dir(repo)
        .env("ATOMIC_NO_SERVER", "1")
        .args(["--json", "symbols"]))?;
    serde_json::from_slice(&out.stdout).map_err(|e| format!("atomic symbols --json: {e}"))
}

/// Prints a benchmark's `result`: `markdown(report)` when `markdown` is set, else the report
/// as JSON; an error on standard error. Returns the exit code (2 on error).
pub fn print_report<T: serde::Serialize>(
    result: Result<T, String>,
    markdown: Option<fn(&T) -> String>,
) -> std::process::ExitCode {
    match result {
        Ok(report) => {
            match markdown {
                Some(render) => print!("{}", render(&report)),
                None => println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("reports serialize")
                ),
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

/// A process's resident memory in KiB: `VmRSS` (now) or `VmHWM` (peak) from
/// `/proc/<pid>/status`. `None` when the process or the field is missing.
pub fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// CPU seconds (user and system, all threads) process `pid` has used so far, from
/// `/proc/<pid>/stat` in clock ticks (`getconf CLK_TCK`); `None` off Linux or once the
/// process is gone.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces, inside parentheses).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    let out = Command::new("getconf").arg("CLK_TCK").output().ok()?;
    let per_second: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some(ticks / per_second)
}

/// Median, 90th and 95th percentiles and mean of some durations, in milliseconds.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Summary {
    /// How many samples.
    pub n: usize,
    /// The median.
    pub median_ms: f64,
    /// The 90th percentile (nearest rank).
    pub p90_ms: f64,
    /// The 95th percentile (nearest rank).
    pub p95_ms: f64,
    /// The mean.
    pub mean_ms: f64,
}

impl Summary {
    /// Summarizes `samples`; all zero when empty.
    pub fn of(samples: &[Duration]) -> Self {
        if samples.is_empty() {
            return Summary::default();
        }
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        let rank = |q: f64| ms[((q * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
        Summary {
            n: ms.len(),
            median_ms: rank(0.5),
            p90_ms: rank(0.9),
            p95_ms: rank(0.95),
            mean_ms: ms.iter().sum::<f64>() / ms.len() as f64,
        }
    }
}

/// Bytes for people: KiB below one MiB, else MiB, with one decimal.
pub fn mib(bytes: u64) -> String {
    let kib = bytes as f64 / 1024.0;
    if kib < 1024.0 {
        format!("{kib:.1} KiB")
    } else {
        format!("{:.1} MiB", kib / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_use_nearest_rank() {
        let s = Summary::of(&(1..=10).map(Duration::from_millis).collect::<Vec<_>>());
        assert_eq!((s.n, s.median_ms, s.p90_ms, s.p95_ms), (10, 5.0, 9.0, 10.0));
        assert!((s.mean_ms - 5.5).abs() < 1e-9);
        assert_eq!(Summary::of(&[]).n, 0);
    }

    #[test]
    fn disk_usage_counts_blocks_of_files_below() {
        let dir = tempfile::tempdir().unwrap();
        let empty = disk_usage(dir.path(), Measure::Allocated);
        std::fs::write(dir.path().join("f"), vec![1u8; 100_000]).unwrap();
        assert!(disk_usage(dir.path(), Measure::Allocated) >= empty + 100_000);
        assert_eq!(disk_usage(dir.path(), Measure::Apparent), 100_000);
        assert_eq!(
            disk_usage(&dir.path().join("missing"), Measure::Allocated),
            0
        );
    }

    #[test]
    fn memory_of_this_process_is_read() {
        assert!(memory_kib(std::process::id(), "VmRSS").unwrap() > 0);
        assert_eq!(mib(2048), "2.0 KiB");
        assert_eq!(mib(3 << 20), "3.0 MiB");
        assert_eq!(memory_kib(std::process::id(), "NoSuchField"), None);
    }
}
