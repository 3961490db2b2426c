#!/bin/sh
# Rebuilds the KFlex extensions of the corpus (clang -target bpf; clang 14 on Debian). Run from
# anywhere; it works from the repository root so that BTF line information names
# corpus/kflex/<file>.c without this checkout's absolute path.
set -eu
cd "$(dirname "$0")/../.."
for c in corpus/kflex/*.c; do
	clang -O2 -g -target bpf -fdebug-prefix-map="$PWD"=. -c "$c" -o "${c%.c}.o"
done
