#!/usr/bin/env bash
# Builds the benchmark workloads from workloads.c.
#   ./build.sh bpf            rebuild the committed eBPF object workloads.bpf.o (clang -O2 -target bpf)
#   ./build.sh native OUTDIR  build the native baseline OUTDIR/libworkloads.so (gcc -O2)
# The benchmark runs the native step itself (into bench/target/), so only `bpf` is needed
# after editing the C source.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
case "${1:-}" in
  bpf)
    # -fno-jump-tables: a switch must not become a table in .rodata (the programs need no relocations).
    # -mcpu=v3: 32-bit jumps and ALU32 (what the kernel's and Warden's verifiers accept everywhere).
    clang -O2 -g0 -target bpf -mcpu=v3 -fno-jump-tables -I/usr/include/x86_64-linux-gnu \
      -c "$here/workloads.c" -o "$here/workloads.bpf.o"
    ;;
  native)
    out="${2:?usage: build.sh native OUTDIR}"
    mkdir -p "$out"
    gcc -O2 -shared -fPIC -o "$out/libworkloads.so" "$here/workloads.c"
    ;;
  *)
    echo "usage: $0 bpf | native OUTDIR" >&2
    exit 2
    ;;
esac
