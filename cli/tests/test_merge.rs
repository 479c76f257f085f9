//! `merge-file`, the git merge driver, and `atomic merge`.

use std::path::Path;

use crate::common::TestEnv;

const BASE: &str = "fn f() -> u32 { 1 }\nfn g() -> u32 { 2 }\n";
const OURS: &str = "fn f() -> u32 { 10 }\nfn g() -> u32 { 2 }\n";
const THEIRS: &str = "fn f() -> u32 { 1 }\nfn g() -> u32 { 20 }\n";
const MERGED: &str = "fn f() -> u32 { 10 }\nfn g() -> u32 { 20 }\n";

fn write3(dir: &Path, ours: &str, base: &str, theirs: &str) {
    std::fs::write(dir.join("ours.rs"), ours).unwrap();
    std::fs::write(dir.join("base.rs"), base).unwrap();
    std::fs::write(dir.join("theirs.rs"), theirs).unwrap();
}

#[test]
fn merge_file_speaks_git_merge_files_interface() {
    let env = TestEnv::new();
    let dir = env.path("");
    write3(&dir, OURS, BASE, THEIRS);
    // Adjacent lines: git's line merge conflicts here; by symbols it is clean.
    let git = std::process::Command::new("git")
        .args(["merge-file", "-p", "ours.rs", "base.rs", "theirs.rs"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(
        git.status.code(),
        Some(1),
        "git conflicts on adjacent lines"
    );
    let out = env.atomic(
        &dir,
        &["merge-file", "-p", "ours.rs", "base.rs", "theirs.rs"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), MERGED);
    // Without -p the result replaces OURS.
    env.atomic_ok(&dir, &["merge-file", "ours.rs", "base.rs", "theirs.rs"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("ours.rs")).unwrap(),
        MERGED
    );

    write3(
        &dir,
        &BASE.replace("{ 1 }", "{ 100 }"),
        BASE,
        &BASE.replace("{ 1 }", "{ 200 }"),
    );
    let out = env.atomic(
        &dir,
        &[
            "merge-file",
            "-p",
            "-L",
            "mine",
            "-L",
            "old",
            "-L",
            "yours",
            "ours.rs",
            "base.rs",
            "theirs.rs",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "one conflict");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("<<<<<<< mine\nfn f() -> u32 { 100 }\n||||||| old\nfn f() -> u32 { 1 }\n=======\nfn f() -> u32 { 200 }\n>>>>>>> yours\n"), "{text}");
    let json = env.atomic(
        &dir,
        &[
            "--json",
            "merge-file",
            "-p",
            "ours.rs",
            "base.rs",
            "theirs.rs",
        ],
    );
    assert_eq!(json.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["conflicts"][0]["symbol"], "f");
    assert_eq!(doc["conflicts"][0]["kind"], "function");
    assert_eq!(doc["conflicts"][0]["ours"], "fn f() -> u32 { 100 }\n");

    let missing = env.atomic(&dir, &["merge-file", "nope.rs", "base.rs", "theirs.rs"]);
    assert_eq!(missing.status.code(), Some(255));
}

/// `atomic-merge-file`, the driver binary, answers every case as `atomic merge-file`:
/// the same output, messages and exit code.
#[test]
fn the_driver_binary_answers_as_merge_file_does() {
    let env = TestEnv::new();
    let dir = env.path("");
    let run = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(program)
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        (
            out.status.code(),
            out.stdout,
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let conflicting = [
        BASE.replace("{ 1 }", "{ 100 }"),
        BASE.replace("{ 1 }", "{ 200 }"),
    ];
    let cases: [(&[&str], [&str; 3]); 6] = [
        (&["-p"], [OURS, BASE, THEIRS]),
        (
            &["-p", "-L", "mine", "-L", "old", "-L", "yours"],
            [&conflicting[0], BASE, &conflicting[1]],
        ),
        (&["--json", "-p"], [&conflicting[0], BASE, &conflicting[1]]),
        (&[], [&conflicting[0], BASE, &conflicting[1]]),
        (&["-p"], [OURS, "fn f() {}\n\0binary\n", THEIRS]),
        (
            &["--json", "-p", "--path", "x.rs", "missing.rs"],
            [OURS, BASE, THEIRS],
        ),
    ];
    for (flags, [ours, base, theirs]) in cases {
        let mut outcomes = Vec::new();
        for program in [
            env!("CARGO_BIN_EXE_atomic"),
            env!("CARGO_BIN_EXE_atomic-merge-file"),
        ] {
            write3(&dir, ours, base, theirs);
            let mut args: Vec<&str> = Vec::new();
            if program.ends_with("/atomic") {
                args.push("merge-file");
            }
            args.extend(flags);
            if !flags.contains(&"missing.rs") {
                args.push("ours.rs");
            }
            args.extend(["base.rs", "theirs.rs"]);
            let (code, stdout, stderr) = run(program, &args);
            let written = std::fs::read_to_string(dir.join("ours.rs")).unwrap();
            outcomes.push((code, stdout, stderr.replace(program, "<program>"), written));
        }
        assert_eq!(outcomes[0], outcomes[1], "{flags:?}");
    }
}

#[test]
fn git_merge_uses_atomic_as_its_merge_driver() {
    let env = TestEnv::new();
    let repo = env.path("repo");
    env.git(&env.path(""), &["init", "-q", "-b", "main", "repo"]);
    std::fs::write(repo.join("lib.rs"), BASE).unwrap();
    env.git(&repo, &["add", "."]);
    env.git(&repo, &["commit", "-q", "-m", "base"]);
    let setup = env.atomic_json(&repo, &["git", "setup-merge-driver"]);
    // git runs the binary that starts without the store, one process per file.
    let driver = env!("CARGO_BIN_EXE_atomic-merge-file");
    assert_eq!(
        setup["driver"],
        format!("'{driver}' --path %P -L ours -L base -L theirs %A %O %B")
    );
    assert!(
        setup["added"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "*.rs merge=atomic")
    );
    env.git(&repo, &["add", ".gitattributes"]);
    env.git(&repo, &["commit", "-q", "-m", "attributes"]);
    env.git(&repo, &["checkout", "-q", "-b", "theirs"]);
    std::fs::write(repo.join("lib.rs"), THEIRS).unwrap();
    env.git(&repo, &["commit", "-q", "-am", "g"]);
    env.git(&repo, &["checkout", "-q", "main"]);
    std::fs::write(repo.join("lib.rs"), OURS).unwrap();
    env.git(&repo, &["commit", "-q", "-am", "f"]);
    env.git(&repo, &["merge", "-q", "--no-edit", "theirs"]);
    assert_eq!(
        std::fs::read_to_string(repo.join("lib.rs")).unwrap(),
        MERGED
    );
    // Running it again adds nothing.
    let again = env.atomic_json(&repo, &["git", "setup-merge-driver"]);
    assert_eq!(again["added"].as_array().unwrap().len(), 0);
}

fn two_branches(env: &TestEnv, ours: &str, theirs: &str) -> std::path::PathBuf {
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    std::fs::write(dir.join("lib.rs"), BASE).unwrap();
    env.atomic_ok(&dir, &["record", "-m", "base"]);
    env.atomic_ok(&dir, &["switch", "-c", "other"]);
    std::fs::write(dir.join("lib.rs"), theirs).unwrap();
    std::fs::write(dir.join("other.txt"), "only on other\n").unwrap();
    env.atomic_ok(&dir, &["record", "-m", "theirs"]);
    env.atomic_ok(&dir, &["switch", "main"]);
    std::fs::write(dir.join("lib.rs"), ours).unwrap();
    env.atomic_ok(&dir, &["record", "-m", "ours"]);
    dir
}

#[test]
fn atomic_merge_records_a_merge_commit() {
    let env = TestEnv::new();
    let dir = two_branches(&env, OURS, THEIRS);
    let merged = env.atomic_json(&dir, &["merge", "other"]);
    assert_eq!(merged["result"], "merged");
    assert_eq!(merged["merged_files"][0], "lib.rs");
    assert_eq!(std::fs::read_to_string(dir.join("lib.rs")).unwrap(), MERGED);
    assert_eq!(
        std::fs::read_to_string(dir.join("other.txt")).unwrap(),
        "only on other\n"
    );
    let parents = env.git(&dir, &["log", "-1", "--format=%P"]);
    assert_eq!(parents.split_whitespace().count(), 2);
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), "");
    assert_eq!(
        env.atomic_json(&dir, &["doctor"])["problems"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        env.atomic_json(&dir, &["merge", "other"])["result"],
        "up_to_date"
    );
}

#[test]
fn atomic_merge_conflicts_are_resolved_by_editing_and_recording() {
    let env = TestEnv::new();
    let dir = two_branches(
        &env,
        &BASE.replace("{ 1 }", "{ 100 }"),
        &BASE.replace("{ 1 }", "{ 200 }"),
    );
    let out = env.atomic(&dir, &["--json", "merge", "other"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["result"], "conflicts");
    assert_eq!(doc["conflicts"][0]["kind"], "content");
    assert_eq!(doc["conflicts"][0]["conflicts"][0]["symbol"], "f");
    let status = env.atomic_json(&dir, &["status"]);
    assert_eq!(status["merge"]["conflicts"][0], "lib.rs");
    let refused = env.atomic(&dir, &["record", "-m", "too early"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("conflict markers remain"));
    std::fs::write(dir.join("lib.rs"), BASE.replace("{ 1 }", "{ 300 }")).unwrap();
    let recorded = env.atomic_json(&dir, &["record", "-m", "Merge other"]);
    assert_eq!(recorded["parents"].as_array().unwrap().len(), 2);
    assert!(env.atomic_json(&dir, &["status"])["merge"].is_null());
    assert!(!dir.join(".git/MERGE_HEAD").exists());
    assert_eq!(
        env.atomic_json(&dir, &["doctor"])["problems"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}
