#!/usr/bin/env bash
# Builds a git history that exercises the bridge: linear commits, branches, merge commits,
# renames, deletions, binary files, an executable bit, a symlink, an empty commit, non-ASCII
# paths, CRLF files, and annotated and lightweight tags.
#
# Usage: history.sh DIR   (DIR must not exist; dates and identities are fixed, so the
# commit ids are the same on every run)
set -euo pipefail
dir=$1
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Ada Lovelace" GIT_AUTHOR_EMAIL=ada@example.com
export GIT_COMMITTER_NAME="Ada Lovelace" GIT_COMMITTER_EMAIL=ada@example.com
tick=1700000000
commit() {
  tick=$((tick + 60))
  GIT_AUTHOR_DATE="@$tick +0100" GIT_COMMITTER_DATE="@$tick +0100" git commit -q "$@"
}

git init -q -b main "$dir"
cd "$dir"
git config core.autocrlf false

cat > README.md <<'MD'
# Example

A small project.
MD
mkdir -p src
printf 'fn main() {\n    println!("hello");\n}\n' > src/main.rs
printf 'pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n' > src/lib.rs
git add -A && commit -m "Initial commit"

printf 'fn main() {\n    println!("hello, world");\n}\n' > src/main.rs
git add -A && commit -m "Greet the world"

printf '#!/bin/sh\necho build\n' > build.sh
chmod +x build.sh
git add -A && commit -m "Add an executable build script"

ln -s src/lib.rs lib-link.rs
git add -A && commit -m "Add a symlink"

printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01' > logo.png
head -c 3000 /dev/zero | tr '\0' 'x' >> logo.png
printf '\x00\x01\x02' >> logo.png
git add -A && commit -m "Add a binary logo"

printf 'line one\r\nline two\r\n' > windows.txt
mkdir -p docs
printf 'Grüße\n' > "docs/grüße.md"
printf '日本語\n' > "docs/日本語.txt"
git add -A && commit -m "CRLF and non-ASCII paths"

commit --allow-empty -m "An empty commit"
git tag v0.1
git tag -a v0.1-annotated -m "First release" 

git checkout -q -b feature
printf 'pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n\npub fn sub(a: i32, b: i32) -> i32 {\n    a - b\n}\n' > src/lib.rs
git add -A && commit -m "Add sub"
git mv README.md GUIDE.md
git add -A && commit -m "Rename README to GUIDE"
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02' > logo.png
git add -A && commit -m "Change the binary logo"

git checkout -q main
printf 'line one\r\nline 2\r\nline three\r\n' > windows.txt
chmod -x build.sh
git add -A && commit -m "Edit CRLF file, drop the executable bit"
git rm -q "docs/日本語.txt"
commit -m "Delete a non-ASCII file"
GIT_AUTHOR_DATE="@$((tick + 30)) +0100" GIT_COMMITTER_DATE="@$((tick + 30)) +0100" \
  git merge -q --no-ff feature -m "Merge branch 'feature'"

git checkout -q -b topic HEAD~2
printf 'notes\n' > notes.txt
git add -A && commit -m "Notes on a topic branch"
git checkout -q main
git tag -a v0.2 -m "Second release"
git gc -q --prune=now 2>/dev/null || true
