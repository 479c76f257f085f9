#!/usr/bin/env python3
"""Runs atomic's merge over Mergiraf's public test suite, in place, and prints the pass rate
per language. The cases are never copied into this repository (they are GPL).

Usage: benches/mergiraf-suite.py EXAMPLES_DIR [ATOMIC]
  EXAMPLES_DIR  Mergiraf's `examples/` folder, e.g. from a fetched mirror:
                git -C mirror-mergiraf archive HEAD examples | tar -x -C /tmp/mergiraf
  ATOMIC        the atomic binary (default: target/release/atomic)

A case is <lang>/{working,failing}/<case>/{Base,Left,Right,Expected}.<ext>. It passes when
`atomic merge-file` (labels LEFT, BASE, RIGHT) gives Expected byte for byte; "same modulo
whitespace" also counts results that differ only in spaces and newlines. Expected files with
conflict markers come from Mergiraf's tree merge, whose conflict regions often differ from
atomic's; "conflict agreed" counts cases where both report a conflict. With SUITE_LIST=1
set, every case that is not exact is named on standard error.
"""
import os, subprocess, sys, collections

LANGS = {"rust": "rs", "python": "py", "javascript": "js", "typescript": "ts", "go": "go", "java": "java"}

def main():
    examples = sys.argv[1]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    atomic = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "target/release/atomic")
    rows = []
    for lang in LANGS:
        for group in ("working", "failing"):
            d = os.path.join(examples, lang, group)
            if not os.path.isdir(d):
                continue
            stats = collections.Counter()
            for case in sorted(os.listdir(d)):
                cdir = os.path.join(d, case)
                files = {f.split(".")[0]: f for f in os.listdir(cdir)}
                if not all(k in files for k in ("Base", "Left", "Right", "Expected")):
                    continue
                ext = files["Expected"].split(".", 1)[1]
                path = lambda k: os.path.join(cdir, files[k])
                out = subprocess.run([atomic, "merge-file", "-p", "-L", "LEFT", "-L", "BASE", "-L", "RIGHT",
                                      "--path", "Expected." + ext, path("Left"), path("Base"), path("Right")],
                                     capture_output=True)
                if out.returncode > 127:
                    stats["error"] += 1
                    continue
                expected = open(path("Expected"), "rb").read()
                marked = b"<<<<<<<" in expected
                stats["cases"] += 1
                exact = out.stdout == expected
                if exact:
                    stats["exact"] += 1
                elif out.stdout.split() == expected.split():
                    stats["whitespace"] += 1
                if not exact and os.environ.get("SUITE_LIST"):
                    print(f"not exact: {cdir} (exit {out.returncode})", file=sys.stderr)
                if marked:
                    stats["expected_conflict"] += 1
                    if out.returncode > 0:
                        stats["conflict_agreed"] += 1
                else:
                    stats["expected_clean"] += 1
                    if out.returncode > 0:
                        stats["atomic_conflict_on_clean"] += 1
            rows.append((lang, group, stats))
    print("| language | suite | cases | exact | same modulo whitespace | expected clean: atomic conflicts instead | expected conflict: atomic agrees |")
    print("|---|---|---|---|---|---|---|")
    for lang, group, s in rows:
        n = s["cases"]
        pct = lambda k: f"{s[k]} ({100 * s[k] / n:.0f}%)" if n else "0"
        print(f"| {lang} | {group} | {n} | {pct('exact')} | {pct('whitespace')} | {s['atomic_conflict_on_clean']} of {s['expected_clean']} | {s['conflict_agreed']} of {s['expected_conflict']} |"
              + (f" errors: {s['error']}" if s["error"] else ""))

if __name__ == "__main__":
    main()
