#!/bin/sh
# Rebuilds url_filter.o (clang -target bpf; clang 14 on Debian). Works from the repository root so
# that BTF line information names examples/http-filter/url_filter.c without this checkout's path.
set -eu
cd "$(dirname "$0")/../.."
clang -O2 -g -target bpf -fdebug-prefix-map="$PWD"=. -c examples/http-filter/url_filter.c -o examples/http-filter/url_filter.o
