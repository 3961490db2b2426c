#!/usr/bin/env bash
# Runs every bpf_conformance test through the real plugin protocol: for each tests/*.data file,
# starts `./warden conformance-plugin [MEMORY] [OPTIONS]` as the bpf_conformance runner does
# (memory and program as hex bytes each followed by two spaces, program on stdin), parses r0
# from stdout as hex and compares it with the file's result. Prints pass/fail counts; exits
# non-zero if any test fails.
#
#   scripts/conformance.sh            # the interpreter
#   scripts/conformance.sh --jit      # the JIT
#   JOBS=4 scripts/conformance.sh     # parallel plugin processes (default: number of CPUs)
#
# Program bytes come from assembled.json, the suite's reference encodings (Warden's own
# assembler is checked against them by the tests). Needs python3 and a built ./warden.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
suite="${WARDEN_SHARED:-$root/../shared}/testdata/bpf-conformance"
[ -f "$suite/assembled.json" ] || { echo "conformance.sh: no test data at $suite" >&2; exit 2; }
[ -f "$root/cli/target/warden.jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests package)

exec python3 - "$root/warden" "$suite" "${JOBS:-$(nproc)}" "$@" <<'PY'
import json, os, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

plugin, suite, jobs, options = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
ref = json.load(open(os.path.join(suite, "assembled.json")))
tests = sorted(k for k, v in ref.items() if v["suite"] == "tests")

def runner_hex(spaced):
    return "".join(b + "  " for b in spaced.split())

def run(name):
    t = ref[name]
    args = [plugin, "conformance-plugin"]
    if t.get("mem_hex"):
        args.append(runner_hex(t["mem_hex"]))
    args += options
    p = subprocess.run(args, input=runner_hex(t["program_hex"]) + "\n", capture_output=True, text=True)
    if p.returncode != 0:
        return name, False, "exit %d: %s" % (p.returncode, (p.stdout or p.stderr).strip())
    out = "".join(p.stdout.splitlines())
    try:
        r0 = int(out, 16)
    except ValueError:
        return name, False, "unparsable output %r" % out
    expected = int(t["result"], 16) if t["result"].startswith("0x") else int(t["result"]) % (1 << 64)
    return name, r0 == expected, "r0 %s, expected %s" % (out, t["result"])

start = time.time()
with ThreadPoolExecutor(max_workers=jobs) as pool:
    results = list(pool.map(run, tests))
failed = [(n, why) for n, ok, why in results if not ok]
for n, why in failed:
    print("FAIL %s: %s" % (n, why))
elapsed = time.time() - start
print("conformance-plugin %s: %d passed, %d failed of %d (%.1f s, %.0f ms per plugin call with %d jobs)"
      % (" ".join(options) or "(interp)", len(results) - len(failed), len(failed), len(results),
         elapsed, 1000 * elapsed * jobs / len(results), jobs))
sys.exit(1 if failed else 0)
PY
