#!/usr/bin/env bash
# The classroom demo behind `make demo`: the article's loop with free() commented out and with it restored,
# side by side — `leakdemo compare` runs both at once, each in its own process, in one live table.
set -euo pipefail
leakdemo=${1:?usage: demo.sh path/to/leakdemo}

# Bold only on a terminal that wants colour, like leakdemo itself.
if [ -t 2 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-}" != dumb ]; then
    say() { printf '\n\033[1m%s\033[0m\n' "$*" >&2; }
else
    say() { printf '\n%s\n' "$*" >&2; }
fi

say "leak vs free: malloc + memset a 4,096,000-byte block every 0.2 s; the leak child loses the pointer, the free child calls free()"
# --format table: the table even when stdout is not a terminal (make demo | tee, CI logs).
"$leakdemo" compare -n 20 -i 200ms --format table
say "Leak: RSS climbs by a block every iteration. Free: it rises once (glibc's mmap threshold moves up after the first free) and then stays flat."

# The article's own program, leaking and not, measured from outside with the same table, chart and verdict.
build=$(dirname "$leakdemo")
if [ -x "$build/article_memory_leaks" ] && [ -x "$build/article_memory_frees" ]; then
    say "Now the article's own C program, watched from outside: with free() commented out..."
    "$leakdemo" watch --format table --chart -- "$build/article_memory_leaks" 20 0.2
    say "...and with free() restored: the same program, a plateau instead of a climb."
    "$leakdemo" watch --format table --chart -- "$build/article_memory_frees" 20 0.2
fi
