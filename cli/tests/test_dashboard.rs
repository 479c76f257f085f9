//! The dashboard in a real browser (Debian's chromium, headless, through chromedriver and
//! Selenium; `./dev setup` installs them): sessions appear live, a conflict appears and is
//! resolved with a click, requests without the secret are refused, a comment on a line
//! lands in `session status --json`, and the page's time to interactive with 200 live
//! sessions is printed. `UPDATE_BOOK=1` puts its screenshots in book/src/images.

use std::path::Path;

use crate::common::TestEnv;

const LIB: &str = "pub fn a() -> u32 {\n    1\n}\n\npub fn b() -> u32 {\n    2\n}\n\npub fn c() -> u32 {\n    3\n}\n";

#[test]
fn a_person_follows_agents_and_settles_a_conflict_in_a_browser() {
    let env = TestEnv::new();
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    std::fs::write(dir.join("lib.rs"), LIB).unwrap();
    env.atomic_ok(&dir, &["record", "-m", "base"]);
    let shots = if std::env::var_os("UPDATE_BOOK").is_some() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src/images")
    } else {
        env.path("shots")
    };
    std::fs::create_dir_all(&shots).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dashboard/browser.py");
    let out = env
        .sh_cmd(
            &dir,
            &format!(
                "python3 {} \"$ATOMIC\" . {}",
                script.display(),
                shots.display()
            ),
        )
        .output()
        .unwrap();
    let _ = env.atomic(&dir, &["serve", "--stop"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the browser test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The figure, for book/src/benchmarks.md (measured, never asserted as a timing).
    let figure = stdout
        .lines()
        .find(|l| l.starts_with("READY_MS_200="))
        .expect("the script prints its measure");
    println!("{figure}");
    for shot in ["dashboard-live.png", "dashboard-conflict.png"] {
        let bytes = std::fs::read(shots.join(shot)).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{shot} is a PNG");
    }
}
