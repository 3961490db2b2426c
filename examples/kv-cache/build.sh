#!/bin/sh
# Rebuilds the two versions of the cache policy and the mistake kept for the checks (clang -target
# bpf; clang 14 on Debian). Works from the repository root so that BTF line information names
# examples/kv-cache/*.c without this checkout's path; eim.h (section, map and helper macros) comes
# from corpus/eim/.
set -eu
cd "$(dirname "$0")/../.."
for c in examples/kv-cache/kv_policy_v1.c examples/kv-cache/kv_policy_v2.c examples/kv-cache/mistakes/reordered_access.c; do
	clang -O2 -g -target bpf -Icorpus/eim -fdebug-prefix-map="$PWD"=. -c "$c" -o "${c%.c}.o"
done
