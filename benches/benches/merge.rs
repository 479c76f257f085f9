//! The merge on a realistic file per language: the structured merge against the line
//! merge (diff3) of the same three versions. Ours edits one function, theirs another and
//! adds a function; the structured merge parses all three inputs and its result, afresh
//! each time. Its parts: the three versions' tables (base's made whole, the others from
//! base's), the same tables each made whole, and parsing base alone, the floor of any
//! merge that checks its result parses.

use std::path::Path;

use atomic_merge::{Labels, diff3, merge};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

fn versions(source: &str, ext: &str) -> (String, String, String) {
    // Repeat the sample to about 40 KiB, then edit the first and last copies.
    let repeats = (40 * 1024 / source.len()).max(2);
    let base = source.repeat(repeats);
    let first_line = base
        .lines()
        .position(|l| l.trim_start().starts_with("return") || l.contains(" = "))
        .unwrap_or(3);
    let mut ours: Vec<&str> = base.lines().collect();
    let edited = format!("{} ", ours[first_line]);
    ours[first_line] = &edited;
    let ours = ours.join("\n") + "\n";
    let extra = match ext {
        "rs" => "\nfn added_by_theirs() -> u32 {\n    7\n}\n",
        "py" => "\n\ndef added_by_theirs():\n    return 7\n",
        _ => "\nfunction addedByTheirs() {\n  return 7;\n}\n",
    };
    let theirs = format!("{base}{extra}");
    (base, ours, theirs)
}

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/semantic");
    let mut group = c.benchmark_group("merge");
    for name in ["sample.rs", "sample.py", "sample.ts"] {
        let source = std::fs::read_to_string(dir.join(name)).expect("the bundled samples exist");
        let ext = name.rsplit('.').next().expect("an extension");
        let (base, ours, theirs) = versions(&source, ext);
        group.throughput(Throughput::Bytes(base.len() as u64));
        // Each merge parses afresh: the tables and trees a process keeps by content would
        // otherwise answer every iteration after the first. They are forgotten before each
        // iteration (`PerIteration`: a batch of inputs would forget them all first, then
        // run every iteration but its first from them).
        group.bench_function(format!("structured/{ext}"), |b| {
            b.iter_batched(
                atomic_semantic::forget_recent_tables,
                |()| {
                    merge(
                        name,
                        base.as_bytes(),
                        ours.as_bytes(),
                        theirs.as_bytes(),
                        &Labels::default(),
                    )
                },
                BatchSize::PerIteration,
            )
        });
        let sources = [base.as_bytes(), ours.as_bytes(), theirs.as_bytes()];
        let profile = atomic_semantic::language_for_path(name).expect("a known language");
        group.bench_function(format!("tables/{ext}"), |b| {
            b.iter_batched(
                atomic_semantic::forget_recent_tables,
                |()| atomic_semantic::extract_versions(profile, &sources, 3),
                BatchSize::PerIteration,
            )
        });
        group.bench_function(format!("tables-whole/{ext}"), |b| {
            b.iter(|| sources.map(|s| atomic_semantic::extract_uncached(profile, s)))
        });
        group.bench_function(format!("parse-base/{ext}"), |b| {
            b.iter_batched(
                atomic_semantic::forget_recent_tables,
                |()| atomic_semantic::tree_of(profile, sources[0]),
                BatchSize::PerIteration,
            )
        });
        group.bench_function(format!("diff3/{ext}"), |b| {
            b.iter(|| {
                diff3(
                    base.as_bytes(),
                    ours.as_bytes(),
                    theirs.as_bytes(),
                    &Labels::default(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
