//! Fuzzes the merge: any three inputs, in any supported language or none, must merge
//! without panicking, and a clean result must parse when the inputs did.

#![no_main]

use atomic_merge::{Labels, merge};
use libfuzzer_sys::fuzz_target;

const PATHS: [&str; 8] = ["a.rs", "a.py", "a.js", "a.ts", "a.tsx", "a.go", "A.java", "a.txt"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let path = PATHS[selector as usize % PATHS.len()];
    // Three inputs separated by 0xFF bytes (never in UTF-8 text).
    let mut parts = rest.splitn(3, |&b| b == 0xff);
    let (base, ours, theirs) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let outcome = merge(path, base, ours, theirs, &Labels::default());
    if outcome.is_clean() && ours == theirs {
        assert_eq!(outcome.text, ours, "both sides equal: the result is that side");
    }
});
