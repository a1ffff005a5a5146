#!/usr/bin/env python3
"""Turns a hyperfine JSON export into a markdown table: median, spread
(interquartile range, min, max) in milliseconds, the ratio of medians to the
first command (bare exec), and the overhead over it."""
import json
import statistics
import sys


def main():
    data = json.load(open(sys.argv[1]))
    title = sys.argv[2] if len(sys.argv) > 2 else ""
    rows = []
    base = None
    for r in data["results"]:
        t = sorted(x * 1000 for x in r["times"])
        med = statistics.median(t)
        q = statistics.quantiles(t, n=4)
        if base is None:
            base = med
        rows.append((r["command"], med, q[0], q[2], t[0], t[-1], med / base, med - base))
    out = [f"*{title}*", "",
           "| command | median ms | IQR ms | min–max ms | × bare | overhead ms |",
           "|---|---:|---:|---:|---:|---:|"]
    for name, med, q1, q3, lo, hi, ratio, over in rows:
        out.append(f"| {name} | {med:.2f} | {q1:.2f}–{q3:.2f} | {lo:.2f}–{hi:.2f} | {ratio:.2f} | {over:+.2f} |")
    by = {r[0]: r[1] for r in rows}
    pairs = [("bulkhead kernel (default profile)", "bwrap (kernel-tier comparison)"),
             ("bulkhead namespace (bwrap-equivalent profile)", "bwrap --unshare-all (namespace comparison)"),
             ("bulkhead namespace (default profile)", "bwrap --unshare-all (namespace comparison)"),
             ("make -j2 (bulkhead namespace)", "make -j2 (bare)")]
    notes = []
    for a, b in pairs:
        if a in by and b in by:
            notes.append(f"- {a}: {by[a] - base:+.2f} ms over bare, "
                         f"{by[a] / by[b]:.2f} × {b}")
    if notes:
        out.append("")
        out.extend(notes)
    print("\n".join(out) + "\n")


main()
