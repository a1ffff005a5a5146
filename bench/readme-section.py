#!/usr/bin/env python3
"""Replaces the block between <!-- MARK --> and <!-- /MARK --> in
bench/README.md with the table read on stdin; appends it under HEADING when
the markers are not there yet.  Usage: readme-section.py MARK HEADING < table"""
import re
import sys

mark, heading = sys.argv[1], sys.argv[2]
table = sys.stdin.read()
if not table.endswith("\n"):
    table += "\n"
path = "bench/README.md"
readme = open(path).read()
block = f"<!-- {mark} -->\n{table}<!-- /{mark} -->"
pattern = re.compile(rf"<!-- {re.escape(mark)} -->.*?<!-- /{re.escape(mark)} -->", re.S)
if pattern.search(readme):
    readme = pattern.sub(lambda m: block, readme)
else:
    readme = readme.rstrip("\n") + f"\n\n## {heading}\n\n{block}\n"
open(path, "w").write(readme)
