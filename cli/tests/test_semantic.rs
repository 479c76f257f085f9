//! `symbols`, `context`, `index`, and `--symbols` on `diff` and `show`.

use std::path::PathBuf;

use crate::common::TestEnv;

const AUTH: &str = "pub struct Session {\n    pub user: String,\n}\n\nimpl Session {\n    /// Checks the session.\n    pub fn validate(&self) -> bool {\n        !self.user.is_empty() && audit(&self.user)\n    }\n}\n\nfn audit(user: &str) -> bool {\n    log(user);\n    true\n}\n\nfn log(_: &str) {}\n";
const MAIN: &str = "mod auth;\nuse auth::Session;\n\nfn main() {\n    let s = Session { user: \"a\".into() };\n    if s.validate() {\n        println!(\"ok\");\n    }\n}\n";
const TOOL: &str = "def run(session):\n    return session.validate()\n";

fn repo() -> (TestEnv, PathBuf) {
    let env = TestEnv::new();
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/auth.rs"), AUTH).unwrap();
    std::fs::write(dir.join("src/main.rs"), MAIN).unwrap();
    std::fs::write(dir.join("tool.py"), TOOL).unwrap();
    std::fs::write(dir.join("notes.txt"), "not code\n").unwrap();
    env.atomic_ok(&dir, &["record", "-m", "Add auth"]);
    (env, dir)
}

#[test]
fn context_json_gives_definition_source_callers_and_callees() {
    let (env, dir) = repo();
    let ctx = env.atomic_json(&dir, &["context", "Session::validate", "--depth", "full"]);
    insta::assert_json_snapshot!(ctx);
    let graph = env.atomic_json(&dir, &["context", "log", "--depth", "callgraph"]);
    let callers: Vec<(String, u64)> = graph[0]["callers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["symbol"].as_str().unwrap().to_owned(),
                c["distance"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        callers,
        vec![
            ("audit".to_owned(), 1),
            ("Session::validate".to_owned(), 2),
            ("main".to_owned(), 3)
        ]
    );
}

#[test]
fn symbols_lists_supported_files_only() {
    let (env, dir) = repo();
    let files = env.atomic_json(&dir, &["symbols"]);
    let paths: Vec<&str> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["src/auth.rs", "src/main.rs", "tool.py"]);
    let text = env.atomic_ok(&dir, &["symbols", "src/auth.rs"]);
    insta::assert_snapshot!(text);
    let missing = env.atomic(&dir, &["context", "no_such_symbol"]);
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn diff_and_show_list_changed_symbols() {
    let (env, dir) = repo();
    let edited = AUTH
        .replace("    log(user);\n", "    log(user);\n    log(user);\n")
        .replace(
            "fn log(_: &str) {}\n",
            "fn log(_: &str) {}\n\nfn fresh() {}\n",
        );
    std::fs::write(dir.join("src/auth.rs"), edited).unwrap();
    let diff = env.atomic_json(&dir, &["diff", "--symbols"]);
    let symbols: Vec<(String, String)> = diff["files"][0]["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["scoped_name"].as_str().unwrap().to_owned(),
                format!("{} {} {}", s["change_type"], s["signature"], s["body"]),
            )
        })
        .collect();
    assert_eq!(
        symbols,
        vec![
            ("audit".to_owned(), r#""modified" false true"#.to_owned()),
            ("fresh".to_owned(), r#""added" null null"#.to_owned()),
        ]
    );
    env.atomic_ok(&dir, &["record", "-m", "Edit audit"]);
    let show = env.atomic_json(&dir, &["show", "--symbols"]);
    assert_eq!(show["files"][0]["symbols"].as_array().unwrap().len(), 2);
    let first = env.atomic_json(&dir, &["show", "--symbols", "HEAD~1"]);
    let added: Vec<&str> = first["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(added, vec!["src/auth.rs", "src/main.rs", "tool.py"]);
}

#[test]
fn index_parses_only_new_blobs() {
    let (env, dir) = repo();
    let first = env.atomic_json(&dir, &["index"]);
    assert_eq!(first["summary"]["files"], 3);
    assert_eq!(
        first["summary"]["parsed"], 0,
        "recording indexed HEAD already: {first}"
    );
    std::fs::write(dir.join("tool.py"), "def run(session):\n    return True\n").unwrap();
    let second = env.atomic_json(&dir, &["index"]);
    assert_eq!(
        (
            second["summary"]["parsed"].as_u64(),
            second["summary"]["cached"].as_u64()
        ),
        (Some(1), Some(2))
    );
    let rebuilt = env.atomic_json(&dir, &["index", "--rebuild"]);
    assert_eq!(rebuilt["summary"]["parsed"], 3);
}
