//! The semantic layer on realistic files: symbol lists per language (insta snapshots),
//! error recovery, symbol changes and name resolution.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::Path;

use atomic_semantic::{
    ChangeKind, Depth, FileSymbols, SymbolGraph, changed_symbols, context, extract_path,
};

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/semantic")
        .join(name);
    (name.to_owned(), std::fs::read(path).unwrap())
}

/// One line per symbol, then the calls and imports: what the snapshots hold.
fn listing(fs: &FileSymbols) -> String {
    let mut out = format!("language: {}, errors: {}\n", fs.language, fs.has_errors);
    for s in &fs.symbols {
        out.push_str(&format!(
            "{:<9} {}  L{}-{}  {}\n",
            format!("{:?}", s.kind).to_lowercase(),
            s.scoped_name,
            s.start_line,
            s.end_line,
            s.signature
        ));
    }
    let within = |w: Option<u32>| {
        w.map_or("<top>".to_owned(), |i| {
            fs.symbols[i as usize].scoped_name.clone()
        })
    };
    out.push_str("calls:\n");
    for c in &fs.calls {
        out.push_str(&format!(
            "  L{} {} in {}\n",
            c.line,
            c.name,
            within(c.within)
        ));
    }
    out.push_str("imports:\n");
    for i in &fs.imports {
        out.push_str(&format!(
            "  L{} {:?} from {:?}\n",
            i.line, i.names, i.module
        ));
    }
    out
}

fn extracted(name: &str) -> FileSymbols {
    let (path, bytes) = fixture(name);
    extract_path(&path, &bytes).unwrap()
}

#[test]
fn rust_symbols() {
    insta::assert_snapshot!(listing(&extracted("sample.rs")));
}

#[test]
fn python_symbols() {
    insta::assert_snapshot!(listing(&extracted("sample.py")));
}

#[test]
fn javascript_symbols() {
    insta::assert_snapshot!(listing(&extracted("sample.js")));
}

#[test]
fn typescript_symbols() {
    insta::assert_snapshot!(listing(&extracted("sample.ts")));
}

#[test]
fn tsx_symbols() {
    insta::assert_snapshot!(listing(&extracted("sample.tsx")));
}

#[test]
fn go_symbols() {
    insta::assert_snapshot!(listing(&extracted("sample.go")));
}

#[test]
fn java_symbols() {
    insta::assert_snapshot!(listing(&extracted("Sample.java")));
}

#[test]
fn scoped_names_follow_each_language() {
    let names = |f: &str| -> Vec<String> {
        extracted(f)
            .symbols
            .into_iter()
            .map(|s| s.scoped_name)
            .collect()
    };
    let rust = names("sample.rs");
    for expected in [
        "auth::Session::new",
        "auth::Session::validate",
        "auth::impl Validate for Session<T>",
        "auth::Role::Member",
        "auth::Session::user",
        "helper::nested",
    ] {
        assert!(rust.iter().any(|n| n == expected), "{expected} in {rust:?}");
    }
    let go = names("sample.go");
    for expected in [
        "(*Server).Handle",
        "Server.String",
        "(*Stack).Push",
        "Server.Addr",
    ] {
        assert!(go.iter().any(|n| n == expected), "{expected} in {go:?}");
    }
    let py = names("sample.py");
    for expected in [
        "UserService.reset_password",
        "UserService.Audit.record",
        "retry.decorator.wrapper",
    ] {
        assert!(py.iter().any(|n| n == expected), "{expected} in {py:?}");
    }
    let java = names("Sample.java");
    for expected in [
        "UserService.User.setPassword",
        "UserService.Role.ADMIN",
        "UserService.Event",
    ] {
        assert!(java.iter().any(|n| n == expected), "{expected} in {java:?}");
    }
    let ts = names("sample.ts");
    for expected in [
        "UserRepository.find",
        "notify",
        "Internal.secret",
        "User.greet",
        "Status.Suspended",
    ] {
        assert!(ts.iter().any(|n| n == expected), "{expected} in {ts:?}");
    }
}

#[test]
fn decorators_and_exports_belong_to_their_definition() {
    let py = extracted("sample.py");
    let reset = py.find("UserService.reset_password").unwrap();
    assert!(
        reset
            .signature
            .starts_with("@retry(MAX_ATTEMPTS) def reset_password"),
        "{}",
        reset.signature
    );
    let js = extracted("sample.js");
    let fetch = js.find("fetchUser").unwrap();
    assert!(
        fetch
            .signature
            .starts_with("export const fetchUser = async (id) =>"),
        "{}",
        fetch.signature
    );
}

#[test]
fn syntax_errors_are_marked_and_recovered_from() {
    let broken = b"fn good() -> u32 { 1 }\n\nfn broken( { let x = ; }\n\nfn also_good() {}\n";
    let fs = extract_path("lib.rs", broken).unwrap();
    assert!(fs.has_errors);
    assert_eq!(fs.first_error_line, Some(3));
    let names: Vec<&str> = fs.symbols.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.contains(&"good") && names.contains(&"also_good"),
        "{names:?}"
    );
}

#[test]
fn binary_and_unknown_files_are_skipped() {
    assert!(extract_path("image.rs", b"\x89PNG\0\0\x01").is_none());
    assert!(extract_path("notes.txt", b"fn main() {}").is_none());
    assert!(extract_path("Makefile", b"all:\n").is_none());
}

#[test]
fn changed_symbols_split_signature_and_body() {
    let old = extract_path("a.rs", b"/// Adds.\nfn add(a: i32, b: i32) -> i32 { a + b }\nfn sub(a: i32, b: i32) -> i32 { a - b }\nfn gone() { 1; }\nfn old_name(x: u8) -> u8 { x + 1 }\n").unwrap();
    let new = extract_path("a.rs", b"/// Adds.\nfn add(a: i32, b: i32, c: i32) -> i32 { a + b }\nfn sub(a: i32, b: i32) -> i32 { b - a }\nfn fresh() { 2; }\nfn new_name(x: u8) -> u8 { x + 1 }\n").unwrap();
    let changes: Vec<(String, ChangeKind)> = changed_symbols(&old, &new)
        .into_iter()
        .map(|c| (c.scoped_name, c.change))
        .collect();
    assert_eq!(
        changes,
        vec![
            (
                "add".into(),
                ChangeKind::Modified {
                    signature: true,
                    body: false
                }
            ),
            ("fresh".into(), ChangeKind::Added),
            ("gone".into(), ChangeKind::Deleted),
            (
                "new_name".into(),
                ChangeKind::Renamed {
                    from: "old_name".into()
                }
            ),
            (
                "sub".into(),
                ChangeKind::Modified {
                    signature: false,
                    body: true
                }
            ),
        ]
    );
    assert!(changed_symbols(&old, &old).is_empty());
}

fn graph_of(files: &[(&str, &str)]) -> (SymbolGraph, HashMap<String, FileSymbols>) {
    let list: Vec<(String, FileSymbols)> = files
        .iter()
        .map(|(p, t)| ((*p).to_owned(), extract_path(p, t.as_bytes()).unwrap()))
        .collect();
    let graph = SymbolGraph::build(&list);
    (graph, list.into_iter().collect())
}

#[test]
fn calls_resolve_by_scope_file_import_then_unique_name() {
    let (graph, files) = graph_of(&[
        (
            "src/auth.rs",
            "pub fn check() {}\npub fn only_here() {}\nstruct A;\nimpl A { fn check(&self) {} fn run(&self) { check(); self.check(); } }\nfn top() { check(); helper(); }\n",
        ),
        ("src/util.rs", "pub fn helper() {}\npub fn check() {}\n"),
        (
            "src/main.rs",
            "use crate::util::check;\nfn main() { check(); only_here(); dup(); }\n",
        ),
        ("src/x.rs", "fn dup() {}\n"),
        ("src/y.rs", "fn dup() {}\n"),
    ]);
    let callees = |q: &str| -> Vec<String> {
        let s = graph.find(q).into_iter().next().unwrap();
        graph
            .callees(&s)
            .into_iter()
            .map(|(c, _)| format!("{}:{}", c.path, c.scoped_name))
            .collect()
    };
    // Scope: inside `impl A`, `check` is the sibling method.
    assert_eq!(
        callees("A::run"),
        vec!["src/auth.rs:A::check", "src/auth.rs:A::check"]
    );
    // File: at top level, the file's own `check`; `helper` is unique in the repository.
    assert_eq!(
        callees("top"),
        vec!["src/auth.rs:check", "src/util.rs:helper"]
    );
    // Import: main imports `check` from util; `only_here` is unique; `dup` is ambiguous.
    assert_eq!(
        callees("main"),
        vec!["src/util.rs:check", "src/auth.rs:only_here"]
    );
    let ambiguous: Vec<&str> = graph.ambiguous.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(ambiguous, vec!["dup"]);
    assert_eq!(graph.ambiguous[0].candidates.len(), 2);
    assert_eq!(graph.imports_of("src/main.rs"), vec!["src/util.rs"]);

    let ctx = context(&graph, &files, "helper", Depth::Signatures, |_| None);
    assert_eq!(ctx.len(), 1);
    assert_eq!(
        ctx[0]
            .callers
            .iter()
            .map(|c| c.symbol.clone().unwrap())
            .collect::<Vec<_>>(),
        vec!["top"]
    );
}

/// Overloads of one name pair up with their own old versions: editing an unrelated
/// function changes one symbol, not every overload (it reported them all "signature and
/// body modified").
#[test]
fn overloads_pair_with_their_own_versions() {
    let old = "from typing import overload\n\n\n@overload\ndef get(x: int) -> int: ...\n\n\n@overload\ndef get(x: str) -> str: ...\n\n\ndef get(x):\n    return x\n\n\ndef other():\n    return 1\n";
    let new = old.replace("    return 1\n", "    return 2\n");
    let (o, n) = (
        extract_path("m.py", old.as_bytes()).unwrap(),
        extract_path("m.py", new.as_bytes()).unwrap(),
    );
    let changes = changed_symbols(&o, &n);
    let names: Vec<&str> = changes.iter().map(|c| c.scoped_name.as_str()).collect();
    assert_eq!(names, ["other"], "{changes:?}");
    // One overload edited: one change; one removed: one deletion.
    let edited = old.replace(
        "def get(x: str) -> str: ...",
        "def get(x: bytes) -> bytes: ...",
    );
    let changes = changed_symbols(&o, &extract_path("m.py", edited.as_bytes()).unwrap());
    assert_eq!(changes.len(), 1, "{changes:?}");
    let removed = old.replace("@overload\ndef get(x: str) -> str: ...\n\n\n", "");
    let changes = changed_symbols(&o, &extract_path("m.py", removed.as_bytes()).unwrap());
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].change, ChangeKind::Deleted);
}

/// A callee is shown where it is defined, with the call's own place beside it; a caller
/// where it calls.
#[test]
fn context_gives_each_callees_own_file_and_line() {
    let (graph, files) = graph_of(&[
        ("src/util.rs", "\n\npub fn helper() {}\n"),
        (
            "src/main.rs",
            "fn main() {\n    let x = 1;\n    helper();\n}\n",
        ),
    ]);
    let main = &context(&graph, &files, "main", Depth::Signatures, |_| None)[0];
    let c = &main.callees[0];
    assert_eq!(c.symbol.as_deref(), Some("helper"));
    assert_eq!((c.file.as_str(), c.line), ("src/util.rs", 3));
    assert_eq!((c.call_file.as_str(), c.call_line), ("src/main.rs", 3));
    let helper = &context(&graph, &files, "helper", Depth::Signatures, |_| None)[0];
    let c = &helper.callers[0];
    assert_eq!((c.file.as_str(), c.line), ("src/main.rs", 3));
    assert_eq!((c.call_file.as_str(), c.call_line), ("src/main.rs", 3));
}

/// A call through a value (`x.run()`) is a method call: it never resolves to a free
/// function of the same name; a call through an imported module or a path still does.
#[test]
fn method_calls_never_resolve_to_free_functions() {
    let (graph, _) = graph_of(&[
        ("src/util.rs", "pub fn run() {}\npub fn helper() {}\n"),
        (
            "src/main.rs",
            "fn main() {\n    let t = std::thread::spawn(|| {});\n    t.run();\n    util::helper();\n}\n",
        ),
        (
            "app/util.py",
            "def helper():\n    pass\n\n\ndef start():\n    pass\n",
        ),
        (
            "app/main.py",
            "import util\n\n\ndef main(obj):\n    obj.start()\n    util.helper()\n",
        ),
    ]);
    let callees_of = |path: &str| -> Vec<String> {
        let main = graph
            .find("main")
            .into_iter()
            .find(|s| s.path == path)
            .unwrap();
        graph
            .callees(&main)
            .into_iter()
            .map(|(c, _)| format!("{}:{}", c.path, c.scoped_name))
            .collect()
    };
    assert_eq!(callees_of("src/main.rs"), ["src/util.rs:helper"]);
    assert_eq!(callees_of("app/main.py"), ["app/util.py:helper"]);
}
