"""Mixes request files (bench/requests.lua lines) into one: blocks with COUNT lines of each source,
shuffled within each block (seed 1) so every stretch of a run has the same mix.
Usage: mix.py OUT FILE:COUNT[:START][:once] ...  — a source is cycled unless marked `once`
(each line used at most once: PATCHes with an ETag, transitions with `from`); the mix ends when
a `once` source runs out."""
import random
import sys


def lines(name):
    return [line for line in open(name, encoding="utf-8").read().split("\n") if line]


sources = []
for spec in sys.argv[2:]:
    name, count, *rest = spec.split(":")
    start = int(rest[0]) if rest and rest[0] != "once" else 0
    sources.append({"lines": lines(name), "count": int(count), "next": start, "once": "once" in rest})
random.seed(1)
out = []
while all(not s["once"] or s["next"] + s["count"] <= len(s["lines"]) for s in sources):
    block = []
    for s in sources:
        for _ in range(s["count"]):
            block.append(s["lines"][s["next"] % len(s["lines"])])
            s["next"] += 1
    random.shuffle(block)
    out.extend(block)
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(out) + "\n")
