#!/bin/sh
# Rebuilds the two versions of the cache policy (clang -target bpf; clang 14 on Debian). Works from
# the repository root so that BTF line information names examples/kv-cache/*.c without this
# checkout's path; eim.h (section, map and helper macros) comes from corpus/eim/.
set -eu
cd "$(dirname "$0")/../.."
for v in 1 2; do
	clang -O2 -g -target bpf -Icorpus/eim -fdebug-prefix-map="$PWD"=. \
		-c examples/kv-cache/kv_policy_v$v.c -o examples/kv-cache/kv_policy_v$v.o
done
