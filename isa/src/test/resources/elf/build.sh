#!/bin/sh
# Rebuilds the test objects from their C sources (clang 14 on Debian: kernel headers need the multiarch path).
# The prefix map keeps this checkout's absolute path out of the debug and BTF line information.
set -eu
cd "$(dirname "$0")"
for c in *.c; do
	clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -fdebug-prefix-map="$PWD"=. -c "$c" -o "${c%.c}.o"
done
