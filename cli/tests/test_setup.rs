//! `atomic agent setup`: what agent hosts need, written once and left alone after.

use crate::common::TestEnv;

#[test]
fn setup_writes_each_hosts_configuration_once_and_keeps_the_users() {
    let env = TestEnv::new();
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    std::fs::write(dir.join("AGENTS.md"), "# Rules\n\nRun the tests.\n").unwrap();
    std::fs::create_dir_all(dir.join(".cursor")).unwrap();
    std::fs::write(
        dir.join(".cursor/mcp.json"),
        r#"{"mcpServers": {"other": {"command": "other-mcp"}}}"#,
    )
    .unwrap();

    // A dry run writes nothing.
    let dry = env.atomic_json(&dir, &["agent", "setup", "--dry-run"]);
    assert_eq!(dry["files"].as_array().unwrap().len(), 6, "{dry}");
    assert!(!dir.join(".mcp.json").exists());

    let first = env.atomic_json(&dir, &["agent", "setup"]);
    let actions: Vec<(&str, &str)> = first["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["action"].as_str().unwrap()))
        .collect();
    assert!(actions.contains(&(".mcp.json", "created")), "{actions:?}");
    assert!(
        actions.contains(&(".cursor/mcp.json", "updated")),
        "{actions:?}"
    );
    assert!(actions.contains(&("AGENTS.md", "updated")), "{actions:?}");
    let cursor: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(".cursor/mcp.json")).unwrap())
            .unwrap();
    assert_eq!(cursor["mcpServers"]["other"]["command"], "other-mcp");
    assert_eq!(cursor["mcpServers"]["atomic"]["args"][0], "mcp");
    let agents = std::fs::read_to_string(dir.join("AGENTS.md")).unwrap();
    assert!(agents.starts_with("# Rules\n\nRun the tests.\n\n<!-- atomic:begin -->"));
    let settings = std::fs::read_to_string(dir.join(".claude/settings.json")).unwrap();
    assert!(settings.contains("atomic agent hook worktree-create"));
    let codex = std::fs::read_to_string(dir.join(".codex/config.toml")).unwrap();
    assert!(codex.contains("[mcp_servers.atomic]"));

    // Again: nothing changes.
    let outside_store = |dir: &std::path::Path| {
        let mut files = crate::common::snapshot(dir);
        files.retain(|(p, _)| !p.starts_with(dir.join(".atomic")));
        files
    };
    let before = outside_store(&dir);
    let second = env.atomic_json(&dir, &["agent", "setup"]);
    assert!(
        second["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["action"] == "unchanged"),
        "{second}"
    );
    assert_eq!(outside_store(&dir), before);
}
