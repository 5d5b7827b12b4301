#!/bin/sh
# compare's parent holds constant memory (issue 11 §1): run `compare -b 64 -i 0` for N lock-stepped
# iterations (default 2,000,000) and report its own peak (VmHWM, sampled from /proc while it runs) and the
# wall time. Target: VmHWM under 32 MiB. The test suite runs 200,000 (tests/e2e/test_bounded_memory.py);
# the full count takes minutes, so it lives here.
#   bench/compare_memory.sh [--leakdemo PATH] [--iterations N]
set -eu
leakdemo=build/release/bin/leakdemo
iterations=2000000
while [ $# -gt 0 ]; do
    case "$1" in
        --leakdemo) leakdemo=$2; shift 2 ;;
        --iterations) iterations=$2; shift 2 ;;
        *) echo "compare_memory.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
start=$(date +%s)
"$leakdemo" compare -n "$iterations" -i 0 -b 64 --format jsonl -q >/dev/null &
pid=$!
hwm=0
while kill -0 "$pid" 2>/dev/null; do
    now=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    if [ -n "$now" ] && [ "$now" -gt "$hwm" ]; then hwm=$now; fi
    sleep 0.5
done
wait "$pid"
seconds=$(( $(date +%s) - start ))
verdict=MISS
if [ "$hwm" -lt $((32 * 1024)) ]; then verdict=ok; fi
echo "compare -n $iterations -i 0 -b 64: parent VmHWM $hwm KiB (target < 32768 KiB: $verdict), $seconds s"
