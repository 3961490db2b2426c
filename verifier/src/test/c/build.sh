#!/bin/sh
# Rebuilds the verifier's own test programs (clang 14 on Debian: kernel headers need the multiarch
# path). Run from anywhere; it works from the repository root so that BTF line information names
# verifier/src/test/c/<file>.c without this checkout's absolute path.
# With an argument DIR, writes the objects there instead (the compiler-independence test uses this).
set -eu
cd "$(dirname "$0")/../../../.."
out=${1:-verifier/src/test/c}
for c in verifier/src/test/c/*.c; do
	o="$out/$(basename "${c%.c}").o"
	clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -fdebug-prefix-map="$PWD"=. -c "$c" -o "$o"
done
