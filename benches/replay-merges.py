#!/usr/bin/env python3
"""Replays real merges from a git history with `git merge-file`, atomic's merge driver and,
when given, Mergiraf, side by side, and compares each with git and with what was committed.

Usage: benches/replay-merges.py REPO [MAX_MERGES] [ATOMIC]
  REPO        a git repository (bare is fine)
  MAX_MERGES  how many of the newest merge commits reachable from HEAD to replay (default 300)
  ATOMIC      the atomic binary (default: target/release/atomic); atomic's tool runs
              `atomic-merge-file` beside it, the binary `atomic git setup-merge-driver` makes
              git's merge driver, when it is there, else `ATOMIC merge-file`
Environment:
  DRIVER=0       run `ATOMIC merge-file` even when `atomic-merge-file` is beside it
  MERGIRAF=BIN   also run `BIN merge BASE OURS THEIRS -p PATH` (Mergiraf, built outside this
                 repository from its public mirror) on every file
  AUDIT=BIN      the audit program (default: target/release/merge-audit, built by
                 `cargo build --release -p atomic-benches --bin merge-audit`)
  BEFORE=BIN     also run another build of atomic, as tool "before" (its driver beside it
                 when there is one, as for ATOMIC), timed file by file beside the others:
                 two builds compared in one run
  FLOOR=BIN      also run `BIN PATH OURS BASE THEIRS` (`merge-floor`, built by `cargo build
                 --release -p atomic-benches --bin merge-floor`) as tool "floor": a line merge
                 and one tree-sitter parse of one version (the result when clean, else base),
                 the least a merge that checks its result parses must do; its counts are git's
  REPLAY_KEEP=DIR  keep the inputs of every file where atomic is not git's result although
                 git is clean, under DIR/<n>/ (base, ours, theirs, committed, atomic's and
                 git's results, and the path)

For every merge commit M with parents P1, P2 and merge base B, and every file of a supported
language modified on both sides (present in B, P1, P2 and M), each tool merges (P1, B, P2).
Per language and tool it prints, on the files git conflicts on: how many the tool resolves,
of those how many equal the committed file and how many differ from it, how many of the
differing ones fail the audit (the checks every clean atomic merge passes: parses, keeps
each side's edits, defines and imports nothing twice), and how many still conflict; on the
files git merges cleanly: how many results are git's, differ from it, or conflict (and of
those two, how many where git's own result fails the audit); and the time per file, median
and 90th percentile, each process timed alone. The committed file is noisy ground truth
(people edit merges), so the figures say "equals committed", not "correct".
"""
import collections, os, statistics, subprocess, sys, tempfile, time

EXT = {".rs": "rust", ".py": "python", ".js": "javascript", ".mjs": "javascript", ".ts": "typescript",
       ".tsx": "tsx", ".go": "go", ".java": "java"}


def git(repo, *args, check=True):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, check=check).stdout


def run_timed(cmd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True)
    return r, time.perf_counter() - t0


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else 0.0


def merge_file(atomic):
    """The command that merges one file as git's merge driver does with `atomic`'s build."""
    driver = os.path.join(os.path.dirname(atomic), "atomic-merge-file")
    if os.environ.get("DRIVER") != "0" and os.path.isfile(driver):
        return [driver]
    return [atomic, "merge-file"]


def main():
    repo = sys.argv[1]
    max_merges = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    atomic = sys.argv[3] if len(sys.argv) > 3 else os.path.join(root, "target/release/atomic")
    audit_bin = os.environ.get("AUDIT", os.path.join(root, "target/release/merge-audit"))
    mergiraf = os.environ.get("MERGIRAF")
    keep = os.environ.get("REPLAY_KEEP")
    tools = {
        "git": lambda f, path: ["git", "merge-file", "-p", "--diff3", f["ours"], f["base"], f["theirs"]],
        "atomic": lambda f, path: merge_file(atomic) + ["-p", "--path", path, f["ours"], f["base"], f["theirs"]],
    }
    before = os.environ.get("BEFORE")
    if before:
        tools["before"] = lambda f, path: merge_file(before) + ["-p", "--path", path, f["ours"], f["base"], f["theirs"]]
    floor = os.environ.get("FLOOR")
    if floor:
        tools["floor"] = lambda f, path: [floor, path, f["ours"], f["base"], f["theirs"]]
    if mergiraf:
        tools["mergiraf"] = lambda f, path: [mergiraf, "merge", f["base"], f["ours"], f["theirs"], "-p", path]
    merges = git(repo, "rev-list", "--merges", f"--max-count={max_merges}", "HEAD").decode().split()
    # stats[lang][tool] counts; times[lang][tool] seconds per file
    stats = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
    times = collections.defaultdict(lambda: collections.defaultdict(list))
    files_seen = collections.Counter()
    tmp = tempfile.mkdtemp()

    def audit(path, f, result):
        out = os.path.join(tmp, "result" + os.path.splitext(path)[1])
        open(out, "wb").write(result)
        r = subprocess.run([audit_bin, path, f["base"], f["ours"], f["theirs"], out], capture_output=True)
        if r.returncode > 1:
            sys.exit(f"audit failed: {r.stderr.decode()}")
        return r.returncode == 1

    for m in merges:
        parents = git(repo, "rev-list", "--parents", "-n", "1", m).decode().split()[1:]
        if len(parents) != 2:
            continue
        p1, p2 = parents
        base = git(repo, "merge-base", p1, p2, check=False).decode().strip()
        if not base:
            continue
        changed = lambda a, b: set(git(repo, "diff", "--name-only", "--diff-filter=M", a, b).decode().split("\n")) - {""}
        for path in sorted(changed(base, p1) & changed(base, p2)):
            lang = EXT.get(os.path.splitext(path)[1])
            if not lang:
                continue
            blobs = {}
            for name, rev in (("base", base), ("ours", p1), ("theirs", p2), ("committed", m)):
                r = subprocess.run(["git", "-C", repo, "cat-file", "blob", f"{rev}:{path}"], capture_output=True)
                if r.returncode != 0:
                    break
                blobs[name] = r.stdout
            if len(blobs) < 4:
                continue
            f = {}
            for name in ("base", "ours", "theirs"):
                f[name] = os.path.join(tmp, name + os.path.splitext(path)[1])
                open(f[name], "wb").write(blobs[name])
            files_seen[lang] += 1
            results = {}
            for tool, cmd in tools.items():
                r, t = run_timed(cmd(f, path))
                times[lang][tool].append(t)
                results[tool] = r
            g = results["git"]
            git_clean = g.returncode == 0
            a = results["atomic"]
            if keep and git_clean and (a.returncode != 0 or a.stdout != g.stdout):
                d = os.path.join(keep, str(sum(files_seen.values())))
                os.makedirs(d, exist_ok=True)
                for name, data in (("base", blobs["base"]), ("ours", blobs["ours"]), ("theirs", blobs["theirs"]),
                                   ("committed", blobs["committed"]), ("atomic", a.stdout), ("git", g.stdout)):
                    open(os.path.join(d, name), "wb").write(data)
                open(os.path.join(d, "path"), "w").write(f"{m} {path}\n")
            git_fails_audit = None
            for tool, r in results.items():
                s = stats[lang][tool]
                s["files"] += 1
                # git and atomic exit with the number of conflicts (at most 127), Mergiraf
                # with 1 for any; above 127 is a crash or an error.
                if not 0 <= r.returncode <= 127:
                    s["errors"] += 1
                    continue
                clean = r.returncode == 0
                if not git_clean:
                    if not clean:
                        s["still_conflicting"] += 1
                    elif r.stdout == blobs["committed"]:
                        s["resolved_equal"] += 1
                    else:
                        s["resolved_different"] += 1
                        if audit(path, f, r.stdout):
                            s["different_failing_audit"] += 1
                elif clean and r.stdout == g.stdout:
                    s["clean_identical"] += 1
                else:
                    what = "clean_differs" if clean else "clean_conflicts"
                    s[what] += 1
                    if git_fails_audit is None:
                        git_fails_audit = audit(path, f, g.stdout)
                    if git_fails_audit:
                        s[what + "_git_fails_audit"] += 1
    print(f"{len(merges)} merge commits replayed from {repo}")
    print("| language | tool | files | git conflicts | resolved, equal committed | resolved, different (failing the audit) | still conflicting | git clean | identical to git | differs (git's fails the audit) | conflicts (git's fails the audit) | ms per file, median / p90 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for lang in sorted(stats):
        for tool in tools:
            s = stats[lang][tool]
            n_conf = stats[lang]["git"]["still_conflicting"]
            n_clean = s["files"] - n_conf
            ts = [t * 1000 for t in times[lang][tool]]
            errors = f" errors: {s['errors']}" if s["errors"] else ""
            print(f"| {lang} | {tool} | {s['files']} | {n_conf} | {s['resolved_equal']} | "
                  f"{s['resolved_different']} ({s['different_failing_audit']}) | {s['still_conflicting']} | "
                  f"{n_clean} | {s['clean_identical']} | {s['clean_differs']} ({s['clean_differs_git_fails_audit']}) | "
                  f"{s['clean_conflicts']} ({s['clean_conflicts_git_fails_audit']}) | {statistics.median(ts):.1f} / {percentile(ts, 0.9):.1f} |{errors}")


if __name__ == "__main__":
    main()
