#!/usr/bin/env python3
"""Makes the proof table that docs/domains.md publishes from `warden prove-domains --json` output.

    scripts/proof-table.py docs/prove-domains.json                 # print the Markdown table
    scripts/proof-table.py docs/prove-domains.json --update docs/domains.md
    scripts/proof-table.py --merge OUT.json A.json B.json ...      # join runs of parts (--op) first
    scripts/proof-table.py --merge --rerun OUT.json OLD.json NEW.json # NEW's rows replace OLD's

--update replaces what lies between the lines `<!-- proof-table:start -->` and
`<!-- proof-table:end -->` of the given file. --merge joins the JSON of several runs (e.g. one per
--op group, so that a stopped run keeps what finished) into one list: one row per (operator,
property, width), a row proved by more solvers replacing one by fewer, and a solver that proved in
one run what it refuted in another failing the merge. With --rerun a later file's row replaces an
earlier one of the same obligation whatever the solvers said (a rerun of those rows after a change
to how they are proved). Rows are listed in the order of the input; the summary counts what the issue's done-when
asks: every obligation proved by each solver, premises satisfiable, meaningful. A row proved with
lemma instances lists its lemmas ("lemmas" in the JSON) under its table."""
import argparse, json, sys

START, END = "<!-- proof-table:start -->", "<!-- proof-table:end -->"


def merge(paths, rerun=False):
    """One row per (operator, property, width): the first, unless a later one was proved by more
    solvers (a superset), which replaces it; a solver that answered differently fails the merge.
    With rerun, a later row always replaces the earlier one."""
    rows, seen = [], {}
    for p in paths:
        with open(p) as f:
            for r in json.load(f):
                k = (r["operator"], r["property"], r["width"])
                if k not in seen:
                    seen[k] = len(rows)
                    rows.append(r)
                    continue
                if rerun:
                    rows[seen[k]] = r
                    continue
                old = rows[seen[k]]
                a, b = old.get("solvers", {}), r.get("solvers", {})
                for s in set(a) & set(b):
                    if a[s] != b[s] and "unknown" not in (a[s], b[s]):
                        sys.exit(f"{p}: {k}: {s} answered {b[s]} here and {a[s]} in an earlier run")
                if set(a) < set(b):
                    rows[seen[k]] = r
    return rows


def good(r):
    if r["verdict"] == "sampled":
        return True
    return (r["verdict"] == "proved" and r.get("premises") == "satisfiable" and r.get("meaningful") is True
            and all(v == "proved" for v in r.get("solvers", {}).values()))


def table(rows):
    proofs = [r for r in rows if r["verdict"] != "sampled"]
    bit_vector = [r for r in proofs if "z3" in r.get("solvers", {})]
    integer = [r for r in proofs if "z3-int" in r.get("solvers", {})]
    sampled = [r for r in rows if r["verdict"] == "sampled" or r["property"] == "sampled"]
    out = []
    bad = [r for r in proofs if not good(r)]
    total = sum(r["seconds"] for r in rows)
    out.append(f"{len(proofs)} obligations ({len(bit_vector)} on bit vectors by Z3 and Bitwuzla, {len(integer)} at 64 bits on "
               f"integers by Z3 and cvc5), {len(sampled)} operations sampled at 64 bits; "
               f"{len(proofs) - len(bad)} proved by every solver with satisfiable premises and meaningful, "
               f"{len(bad)} not: {', '.join('`%s` (%d bits)' % (r['operator'], r['width']) for r in bad) or 'none'}. "
               f"Total time {total / 60:.0f} min (`seconds`: the row's wall time, every solver and the premise and meaning "
               f"checks included).")
    out += proofs_table(bit_vector, "z3", "bitwuzla")
    if integer:
        out.append("")
        out.append("On integers, 64 bits (`z3-int` and `cvc5-int`: Z3 and cvc5 on the integer encoding of the same code):")
        out += proofs_table(integer, "z3-int", "cvc5-int")
        backed = [r for r in integer if r.get("lemmas")]
        if backed:
            out.append("")
            out.append("Proved assuming ground instances of lemmas, each lemma proved by the same solver at the same width "
                       "in the same run: " + "; ".join(f"`{r['operator']}`: " + ", ".join(f"`{l}`" for l in r["lemmas"])
                                                       for r in backed) + ".")
    if sampled:
        out.append("")
        out.append("Sampled at 64 bits (`SoundnessSampler`, random inputs, every component and the product):")
        out.append("")
        out.append("| operation | width | verdict | detail | seconds |")
        out.append("| --- | ---: | --- | --- | ---: |")
        for r in sampled:
            out.append(f"| `{r['operator']}` | {r['width']} | {r['verdict']} | {r['detail']} | {r['seconds']:.2f} |")
    return "\n".join(out) + "\n"


def proofs_table(rows, first, second):
    out = ["", f"| obligation | property | width | {first} | {second} | verdict | premises | meaningful | seconds |",
           "| --- | --- | ---: | --- | --- | --- | --- | --- | ---: |"]
    return out + [row(r, r["solvers"].get(first, "-"), r["solvers"].get(second, "-")) for r in rows]


def row(r, first, second):
    verdict = r["verdict"] if good(r) else f"**{r['verdict']}**"
    meaningful = {True: "true", False: "**false**", None: "unknown"}[r.get("meaningful")]
    premises = r.get("premises", "-")
    if premises != "satisfiable":
        premises = f"**{premises}**"
    return (f"| `{r['operator']}` | {r['property']} | {r['width']} | {first} | {second} | {verdict} | {premises} | "
            f"{meaningful} | {r['seconds']:.2f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json", nargs="+")
    ap.add_argument("--merge", action="store_true", help="write the rows of the other files, joined, to the first")
    ap.add_argument("--rerun", action="store_true", help="with --merge: a later file's row replaces an earlier one")
    ap.add_argument("--update", metavar="MARKDOWN")
    a = ap.parse_args()
    if a.merge:
        rows = merge(a.json[1:], a.rerun)
        with open(a.json[0], "w") as f:
            f.write("[\n" + ",\n".join("  " + json.dumps(r) for r in rows) + "\n]\n")
    else:
        rows = merge(a.json)
    text = table(rows)
    if a.update:
        with open(a.update) as f:
            doc = f.read()
        if START not in doc or END not in doc:
            sys.exit(f"{a.update}: no {START} ... {END} section")
        head, rest = doc.split(START, 1)
        _, tail = rest.split(END, 1)
        with open(a.update, "w") as f:
            f.write(head + START + "\n" + text + END + tail)
    elif not a.merge:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
