#!/bin/sh
# Rebuilds the example objects (clang 14 on Debian: kernel headers need the multiarch path).
# Run from the repository root so that BTF line information names examples/<file>.c without this
# checkout's absolute path, while clang can still read the source lines it records.
set -eu
cd "$(dirname "$0")/.."
for c in examples/*.c; do
	clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -fdebug-prefix-map="$PWD"=. -c "$c" -o "${c%.c}.o"
done
