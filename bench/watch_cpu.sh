#!/usr/bin/env bash
# watch's own CPU at -i 10ms on one small process for DURATION seconds (default 10), and its RSS at the start
# and the end (flat: no per-sample growth). Usage: bench/watch_cpu.sh path/to/leakdemo [SECONDS]
set -euo pipefail
leakdemo=${1:?usage: watch_cpu.sh path/to/leakdemo [SECONDS]}
seconds=${2:-10}
ticks=$(getconf CLK_TCK)
"$leakdemo" watch -i 10ms --duration "${seconds}s" --format csv -q -- sleep $((seconds + 5)) > /dev/null &
watcher=$!
sleep 1
rss_start=$(awk '/^VmRSS/ { print $2 }' "/proc/$watcher/status")
read -r -a before < <(cut -d' ' -f14,15 "/proc/$watcher/stat")
start=$(date +%s.%N)
sleep $((seconds - 2))
read -r -a after < <(cut -d' ' -f14,15 "/proc/$watcher/stat")
end=$(date +%s.%N)
rss_end=$(awk '/^VmRSS/ { print $2 }' "/proc/$watcher/status")
wait "$watcher"
cpu=$(( (after[0] + after[1]) - (before[0] + before[1]) ))
awk -v cpu="$cpu" -v ticks="$ticks" -v start="$start" -v end="$end" -v a="$rss_start" -v b="$rss_end" \
    'BEGIN { printf "watch -i 10ms: %.2f %% of one core; RSS %d KiB -> %d KiB\n", 100 * cpu / ticks / (end - start), a, b }'
