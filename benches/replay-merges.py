#!/usr/bin/env python3
"""Replays real merges from a git history with `git merge-file` and `atomic merge-file`,
side by side, and compares both with what was committed.

Usage: benches/replay-merges.py REPO [MAX_MERGES] [ATOMIC]
  REPO        a git repository (bare is fine)
  MAX_MERGES  how many of the newest merge commits reachable from HEAD to replay (default 300)
  ATOMIC      the atomic binary (default: target/release/atomic)

For every merge commit M with parents P1, P2 and merge base B, and every file of a supported
language modified on both sides (present in B, P1, P2 and M), both tools merge
(P1, B, P2). Per language it prints: files; files `git merge-file` conflicts on; of those, how
many atomic merges cleanly and how many of those equal the committed file; files git merges
cleanly where atomic's result differs from git's, and where atomic reports a conflict; and the
time of each tool per file, as a ratio. The committed file is noisy ground truth (people edit
merges), so the figures say "equals committed", not "correct".

With REPLAY_KEEP=DIR set, the inputs of every file where atomic conflicts but git does not,
or where atomic's result differs from git's clean one, are kept under DIR/<n>/ (base, ours,
theirs, committed, atomic's and git's results, and the path) for auditing.
"""
import collections, os, subprocess, sys, tempfile, time

EXT = {".rs": "rust", ".py": "python", ".js": "javascript", ".mjs": "javascript", ".ts": "typescript",
       ".tsx": "tsx", ".go": "go", ".java": "java"}

def git(repo, *args, check=True):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, check=check).stdout

def main():
    repo = sys.argv[1]
    max_merges = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    atomic = sys.argv[3] if len(sys.argv) > 3 else os.path.join(root, "target/release/atomic")
    merges = git(repo, "rev-list", "--merges", f"--max-count={max_merges}", "HEAD").decode().split()
    stats = collections.defaultdict(collections.Counter)
    times = collections.defaultdict(lambda: [0.0, 0.0])
    tmp = tempfile.mkdtemp()
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
            files = {}
            for name in ("base", "ours", "theirs"):
                files[name] = os.path.join(tmp, name + os.path.splitext(path)[1])
                open(files[name], "wb").write(blobs[name])
            s = stats[lang]
            s["files"] += 1
            t0 = time.perf_counter()
            g = subprocess.run(["git", "merge-file", "-p", "--diff3", files["ours"], files["base"], files["theirs"]], capture_output=True)
            t1 = time.perf_counter()
            a = subprocess.run([atomic, "merge-file", "-p", "--path", path, files["ours"], files["base"], files["theirs"]], capture_output=True)
            t2 = time.perf_counter()
            times[lang][0] += t1 - t0
            times[lang][1] += t2 - t1
            if a.returncode > 127:
                s["atomic_errors"] += 1
                continue
            git_clean, atomic_clean = g.returncode == 0, a.returncode == 0
            keep = os.environ.get("REPLAY_KEEP")
            if keep and git_clean and (not atomic_clean or a.stdout != g.stdout):
                d = os.path.join(keep, str(sum(x["files"] for x in stats.values())))
                os.makedirs(d, exist_ok=True)
                for name, data in (("base", blobs["base"]), ("ours", blobs["ours"]), ("theirs", blobs["theirs"]),
                                   ("committed", blobs["committed"]), ("atomic", a.stdout), ("git", g.stdout)):
                    open(os.path.join(d, name), "wb").write(data)
                open(os.path.join(d, "path"), "w").write(f"{m} {path}\n")
            if not git_clean:
                s["git_conflicts"] += 1
                if atomic_clean:
                    s["atomic_resolves"] += 1
                    if a.stdout == blobs["committed"]:
                        s["resolved_equal_committed"] += 1
            else:
                if g.stdout == blobs["committed"]:
                    s["git_equal_committed"] += 1
                if not atomic_clean:
                    s["atomic_conflict_where_git_clean"] += 1
                elif a.stdout != g.stdout:
                    s["atomic_differs_where_git_clean"] += 1
                    if a.stdout == blobs["committed"]:
                        s["atomic_differs_but_equals_committed"] += 1
    print(f"{len(merges)} merge commits replayed from {repo}")
    print("| language | files | git conflicts | atomic resolves of those | of which equal committed | git clean: atomic differs (of which equal committed) | git clean: atomic conflicts | time per file git / atomic (ms) | ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for lang, s in sorted(stats.items()):
        n = s["files"] or 1
        tg, ta = times[lang][0] / n * 1000, times[lang][1] / n * 1000
        print(f"| {lang} | {s['files']} | {s['git_conflicts']} | {s['atomic_resolves']} | {s['resolved_equal_committed']} | "
              f"{s['atomic_differs_where_git_clean']} ({s['atomic_differs_but_equals_committed']}) | {s['atomic_conflict_where_git_clean']} | "
              f"{tg:.1f} / {ta:.1f} | {ta / tg if tg else 0:.2f} |" + (f" errors: {s['atomic_errors']}" if s["atomic_errors"] else ""))

if __name__ == "__main__":
    main()
