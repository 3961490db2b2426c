#!/usr/bin/env python3
"""Compares Warden's verification times with PREVAIL's on the real objects.

Usage: scripts/verifier-vs-prevail.py WARDEN.csv [PREVAIL.csv]

WARDEN.csv is what RealObjectsTimer prints (object,section,function,verdict,wall_ms,cpu_ms; one
line per program and .text function; Warden's time is cpu_ms, see RealObjectsTimer, or wall_ms
with --wall); PREVAIL.csv defaults to
../shared/testdata/real-objects/prevail-0.2.6-verdicts.csv (object,section,function,verdict,
seconds,peak_kb,...; its timeouts are recorded as 120 s). Programs are matched by
(object, section, function). Prints both totals and their ratio, with and without the programs
PREVAIL timed out on.
"""
import csv
import sys

args = [a for a in sys.argv[1:] if a != "--wall"]
column = 4 if "--wall" in sys.argv else 5
warden_csv = args[0]
prevail_csv = args[1] if len(args) > 1 else "../shared/testdata/real-objects/prevail-0.2.6-verdicts.csv"

warden = {}
with open(warden_csv) as f:
    for row in csv.reader(f):
        warden[(row[0], row[1], row[2])] = float(row[column]) / 1000

prevail = {}
with open(prevail_csv) as f:
    for row in csv.DictReader(f):
        prevail[(row["object"], row["section"], row["function"])] = (row["verdict"], float(row["seconds"]), int(row["peak_kb"]))

common = sorted(set(warden) & set(prevail))
missing = sorted(set(prevail) - set(warden))
if missing:
    print(f"warning: {len(missing)} PREVAIL programs have no Warden time, e.g. {missing[0]}", file=sys.stderr)
timeouts = [k for k in common if prevail[k][0] == "timeout"]


def report(keys, label):
    w = sum(warden[k] for k in keys)
    p = sum(prevail[k][1] for k in keys)
    print(f"{label}: {len(keys)} programs, Warden {w:.2f} s, PREVAIL {p:.2f} s, Warden/PREVAIL = {w / p:.3f}")


report(common, "all programs (PREVAIL timeouts as 120 s)")
report([k for k in common if prevail[k][0] != "timeout"], f"without the {len(timeouts)} PREVAIL timeouts")
print(f"PREVAIL peak memory on these programs: {max(v[2] for v in prevail.values()) / 1024:.1f} MB (largest single process)")
