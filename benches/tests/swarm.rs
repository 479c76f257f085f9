//! The swarm runner end to end on the bundled example, with the real `atomic` binary.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;

/// The `atomic` binary cargo built beside the runner.
fn atomic() -> PathBuf {
    let swarm = PathBuf::from(env!("CARGO_BIN_EXE_swarm"));
    let atomic = swarm.with_file_name("atomic");
    if !atomic.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "atomic-cli", "--bin", "atomic"])
            .status()
            .unwrap();
        assert!(status.success());
    }
    atomic
}

/// Twenty agents on the example: atomic lands every independent edit, reports the three
/// planted conflicts (two on one function, one delete-vs-call) and nothing else, and its
/// tree builds; git's sequential merge lands the delete and the call together, and its
/// tree does not build.
#[test]
fn twenty_agents_on_the_example_keep_the_promise() {
    let out = Command::new(env!("CARGO_BIN_EXE_swarm"))
        .args(["--example", "--json", "--atomic"])
        .arg(atomic())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    assert!(out.status.success(), "{report:#}");
    assert_eq!(report["agents"], 20);
    assert_eq!(report["planted_conflicts"], 3);
    let atomic = &report["atomic"];
    assert_eq!(atomic["merged"], 17);
    let conflicts = atomic["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 3);
    assert!(conflicts.iter().all(|c| c["planted"] == true));
    assert_eq!(atomic["missing_edits"].as_array().unwrap().len(), 0);
    assert_eq!(atomic["build"]["ok"], true);
    let git = &report["git"];
    assert_eq!(git["build"]["ok"], false, "{git:#}");
    assert!(
        git["build"]["output"]
            .as_str()
            .unwrap()
            .contains("legacy_flat_rate")
    );
}
