//! Symbol extraction per language, on the bundled realistic files (`testdata/semantic`).

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn extract(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/semantic");
    let mut group = c.benchmark_group("extract");
    for name in [
        "sample.rs",
        "sample.py",
        "sample.js",
        "sample.ts",
        "sample.tsx",
        "sample.go",
        "Sample.java",
    ] {
        let source = std::fs::read(dir.join(name)).expect("the bundled samples exist");
        // Repeat the file to a realistic size (about 40 KiB) without changing its shape.
        let repeats = (40 * 1024 / source.len()).max(1);
        let big = source.repeat(repeats);
        let profile = atomic_semantic::language_for_path(name).expect("a supported language");
        group.throughput(Throughput::Bytes(big.len() as u64));
        group.bench_function(profile.name, |b| {
            b.iter(|| atomic_semantic::extract_uncached(profile, &big))
        });
    }
    group.finish();
}

criterion_group!(benches, extract);
criterion_main!(benches);
