#!/usr/bin/env bash
# The classroom demo behind `make demo`: the article's loop in leak mode, then with free() restored.
set -euo pipefail
leakdemo=${1:?usage: demo.sh path/to/leakdemo}

say() { printf '\n\033[1m%s\033[0m\n' "$*" >&2; }

say "1/2  leak mode: malloc + memset a 4,096,000-byte block, then lose the pointer (free() commented out)"
"$leakdemo" --mode leak -n 20 -i 200ms --format table
say "2/2  free mode: the same loop with the article's line 43, free(ptr), restored"
"$leakdemo" --mode free -n 20 -i 200ms --format table
say "Leak mode: RSS climbs by a block every iteration. Free mode: it rises once (glibc's mmap threshold moves up after the first free) and then stays flat."
