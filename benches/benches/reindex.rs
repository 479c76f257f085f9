//! Incremental re-index: a repository of 300 Rust files whose symbols are cached; one file
//! changes; `symbol_tables` of the working tree parses that file only.

use atomic_repo::{NoProgress, OpenOptions, Repo, TreeSource};
use criterion::{Criterion, criterion_group, criterion_main};

const FILES: usize = 300;

fn source(i: usize, version: usize) -> String {
    let mut s = format!("//! Module {i}.\n\npub struct S{i} {{ pub value: u64 }}\n\n");
    for f in 0..20 {
        s.push_str(&format!(
            "pub fn f{f}(x: u64) -> u64 {{\n    let y = x.wrapping_mul({version} + {f});\n    helper(y)\n}}\n\n"
        ));
    }
    s.push_str("fn helper(v: u64) -> u64 {\n    v + 1\n}\n");
    s
}

fn reindex(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path().join("repo");
    let options = OpenOptions::default();
    let (repo, _) = Repo::init(&root, &options, &NoProgress).expect("init");
    std::fs::create_dir_all(root.join("src")).expect("src/");
    for i in 0..FILES {
        std::fs::write(root.join(format!("src/m{i}.rs")), source(i, 0)).expect("write");
    }
    repo.symbol_tables(TreeSource::Working, &[], &NoProgress)
        .expect("first index");

    let mut version = 0;
    c.bench_function("reindex_one_changed_file_of_300", |b| {
        b.iter(|| {
            version += 1;
            std::fs::write(root.join("src/m7.rs"), source(7, version)).expect("write");
            let (_, summary) = repo
                .symbol_tables(TreeSource::Working, &[], &NoProgress)
                .expect("index");
            assert_eq!(summary.parsed, 1);
        })
    });
    c.bench_function("full_index_of_300_files", |b| {
        b.iter(|| {
            repo.drop_symbol_cache(TreeSource::Working).expect("drop");
            atomic_semantic::forget_recent_tables();
            let (_, summary) = repo
                .symbol_tables(TreeSource::Working, &[], &NoProgress)
                .expect("index");
            assert_eq!(summary.parsed, FILES);
        })
    });
}

criterion_group!(benches, reindex);
criterion_main!(benches);
