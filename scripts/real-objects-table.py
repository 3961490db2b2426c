#!/usr/bin/env python3
"""Verifies every object of ../shared/testdata/real-objects with `warden verify --json` in one JVM
and prints the Markdown tables docs/verifier.md publishes: Warden's verdict per program next to
PREVAIL 0.2.6's (one process per program) and the Linux 6.18 verifier's (per object), the time
ratio against PREVAIL on the same programs, and the programs whose verdict depends on the compiler
variant. Usage: scripts/real-objects-table.py [--jobs N] [--json-out FILE]"""
import argparse, collections, csv, glob, json, os, re, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
data = os.path.join(os.path.dirname(root), "shared", "testdata", "real-objects")

ap = argparse.ArgumentParser()
ap.add_argument("--jobs", type=int, default=2)
ap.add_argument("--json-out")
args = ap.parse_args()

objects = sorted(glob.glob(os.path.join(data, "*", "*.o")))
if not objects:
    sys.exit(f"no objects under {data}")
start = time.time()
proc = subprocess.run([os.path.join(root, "warden"), "verify", "--json", "--jobs", str(args.jobs)] + objects,
                      capture_output=True, text=True)
wall = time.time() - start
if proc.returncode not in (0, 1, 2) or not proc.stdout.startswith("{"):
    sys.exit(f"warden verify failed ({proc.returncode}):\n{proc.stderr}")
result = json.loads(proc.stdout)
if args.json_out:
    with open(args.json_out, "w") as f:
        f.write(proc.stdout)

prevail = {}
with open(os.path.join(data, "prevail-0.2.6-verdicts.csv")) as f:
    for row in csv.DictReader(f):
        prevail[(row["object"], row["section"], row["function"])] = row
kernel = {}
with open(os.path.join(data, "kernel-6.18-verdicts.tsv")) as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        obj, verdict, msg = (line.rstrip("\n").split("\t") + ["", ""])[:3]
        kernel[obj] = (verdict, msg)

rows = []
for o in result["objects"]:
    rel = os.path.relpath(o["file"], data)
    for p in o["programs"]:
        rows.append((rel, p))

def variant_key(rel):
    d, base = rel.split("/", 1)
    return d + "/" + re.sub(r"^clang-\d+_-O.?_", "", base)

total = collections.Counter(p["verdict"] for _, p in rows)
entries = [(r, p) for r, p in rows if p["section"] != ".text"]
texts = [(r, p) for r, p in rows if p["section"] == ".text"]
warden_seconds = sum(p["seconds"] for _, p in rows)
both = [(r, p, prevail.get((r, p["section"], p["function"]))) for r, p in rows]
matched = [(r, p, q) for r, p, q in both if q is not None]
prevail_seconds = sum(float(q["seconds"]) for _, _, q in matched)
warden_matched_seconds = sum(p["seconds"] for _, p, _ in matched)

print(f"## Real objects ({len(objects)} objects, {len(rows)} programs: {len(entries)} entry programs, {len(texts)} .text functions)\n")
print(f"Warden: {total['accept']} accepted, {total['reject']} rejected, {total['error']} errors; "
      f"analysis time {warden_seconds:.2f} s in all, {wall:.1f} s wall for the whole command (one JVM).")
pv = collections.Counter(q["verdict"] for _, _, q in matched)
print(f"PREVAIL 0.2.6 on the same {len(matched)} programs: {pv['pass']} pass, {pv['fail']} fail, {pv['timeout']} timeout; "
      f"{prevail_seconds:.1f} s (one process each).")
if prevail_seconds > 0:
    print(f"Time ratio Warden/PREVAIL on those programs (analysis time): {warden_matched_seconds / prevail_seconds:.3f}\n")

print("| object | program | Warden | first violation | PREVAIL | kernel 6.18 (object) |")
print("|---|---|---|---|---|---|")
for r, p, q in both:
    first = ""
    if p["violations"]:
        v = p["violations"][0]
        first = f"pc {v['pc']} {v['obligation']}: {v['message']}"[:110].replace("|", "\\|")
    kv = kernel.get(r, ("?", ""))[0]
    print(f"| {r} | {p['section']}/{p['function']} | {p['verdict']} | {first} | {q['verdict'] if q else '-'} | {kv} |")

print("\n### Verdicts that depend on the compiler variant\n")
groups = collections.defaultdict(dict)
for r, p in rows:
    groups[(variant_key(r), p["section"], p["function"])][r] = p["verdict"]
diff = 0
for k, v in sorted(groups.items()):
    if len(set(v.values())) > 1:
        diff += 1
        acc = sorted(x for x, y in v.items() if y == "accept")
        print(f"- {k[0]} {k[1]}/{k[2]}: accepted in {len(acc)} of {len(v)} variants")
if diff == 0:
    print("None: every program has the same verdict in every compiler variant.")
