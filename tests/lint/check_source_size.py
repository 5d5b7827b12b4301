#!/usr/bin/env python3
"""Fails when a function under src/ is longer than 80 lines or a source file longer than 450 lines.

The limits come from the restructure (issue 10): a function that long owns two concepts. Function extents
come from universal-ctags (`end:` field), so lambdas inside a function count towards it.
Usage: check_source_size.py SRC_DIR [--max-function N] [--max-file N]
"""
import argparse
import pathlib
import subprocess
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("src")
    parser.add_argument("--max-function", type=int, default=80)
    parser.add_argument("--max-file", type=int, default=450)
    args = parser.parse_args()
    src = pathlib.Path(args.src)
    files = sorted(p for p in src.rglob("*") if p.suffix in (".cpp", ".hpp"))
    if not files:
        print(f"no sources under {src}", file=sys.stderr)
        return 1
    problems = []
    for path in files:
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > args.max_file:
            problems.append(f"{path}: {lines} lines (limit {args.max_file})")
    tags = subprocess.run(
        ["ctags", "--fields=+ne", "--c++-kinds=f", "--language-force=C++", "-o", "-", *map(str, files)],
        check=True, capture_output=True, text=True).stdout
    functions = 0
    for line in tags.splitlines():
        fields = line.split("\t")
        name, path = fields[0], fields[1]
        extra = dict(f.split(":", 1) for f in fields[3:] if ":" in f)
        if "line" not in extra or "end" not in extra:
            continue
        functions += 1
        length = int(extra["end"]) - int(extra["line"]) + 1
        if length > args.max_function:
            problems.append(f"{path}:{extra['line']}: {name} is {length} lines (limit {args.max_function})")
    if functions == 0:
        print("ctags found no functions: cannot check", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem)
    print(f"{len(files)} files, {functions} functions checked; {len(problems)} over the limits")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
