//! Mounts left by a process that died: every access to them fails with "transport
//! endpoint is not connected" (`ENOTCONN`) until they are unmounted.

use std::path::Path;

/// Decodes the octal escapes of a mount point in `/proc/self/mountinfo` (`\040` for a
/// space, and tab, newline and backslash likewise).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && i + 3 < bytes.len()
            && let Ok(v) = u8::from_str_radix(&field[i + 1..i + 4], 8)
        {
            out.push(v);
            i += 4;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Returns whether a FUSE file system is mounted at `dir` (as `/proc/self/mountinfo`
/// lists it).
pub fn is_mounted(dir: &Path) -> bool {
    let Ok(info) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return false;
    };
    let want = dir.to_string_lossy();
    info.lines().any(|line| {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(sep) = fields.iter().position(|f| *f == "-") else {
            return false;
        };
        let fstype = fields.get(sep + 1).copied().unwrap_or("");
        fields.get(4).is_some_and(|mp| unescape(mp) == want)
            && (fstype == "fuse" || fstype.starts_with("fuse."))
    })
}

/// Unmounts a FUSE file system at `dir` whose process is gone (or any left there), lazily:
/// `umount2(MNT_DETACH)` as root, else `fusermount3 -u -z`. Returns whether one was there.
pub fn unmount_stale(dir: &Path) -> bool {
    if !is_mounted(dir) {
        return false;
    }
    if rustix::mount::unmount(dir, rustix::mount::UnmountFlags::DETACH).is_err() {
        let _ = std::process::Command::new("fusermount3")
            .args(["-u", "-z", "--"])
            .arg(dir)
            .status();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_points_are_unescaped() {
        assert_eq!(unescape("/tmp/a\\040b"), "/tmp/a b");
        assert_eq!(unescape("/plain"), "/plain");
        assert!(!is_mounted(Path::new("/surely/not/a/mount")));
    }
}
