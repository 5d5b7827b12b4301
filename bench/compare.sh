#!/usr/bin/env bash
# leakdemo against the article's bare C loop (examples/memory_leaks.c, cc -O2), plus the microbenchmarks,
# each figure checked against its target (issue 6). Prints a table figure/value/target/PASS|MISS and writes
# a results file (default bench/RESULTS.md; the notes below its "<!-- notes -->" line are kept).
#
#   bench/compare.sh            full run (a few minutes); exits 0, MISS included (add --strict: exit 1 on MISS)
#   bench/compare.sh --smoke    a few iterations of everything, to prove it runs (CI); always exits 0
#   options: --leakdemo PATH --microbench PATH --results FILE --strict
#
# Timing is wall-clock and the machine may be shared: pairs of runs alternate their order and the figures
# are medians. Re-measure on a quiet machine before trusting a MISS (or a PASS) by a few per cent.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
smoke=0
strict=0
leakdemo=""
microbench=""
results=""

die() { echo "compare.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) smoke=1 ;;
        --strict) strict=1 ;;
        --leakdemo) leakdemo=${2:?--leakdemo needs a path}; shift ;;
        --microbench) microbench=${2:?--microbench needs a path}; shift ;;
        --results) results=${2:?--results needs a file}; shift ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
done
[ -n "$results" ] || results=$([ $smoke -eq 1 ] && echo "" || echo "$here/RESULTS.md")

# hyperfine and Google Benchmark come from Debian (scripts/setup.sh test installs both).
if ! command -v hyperfine >/dev/null 2>&1; then
    echo "compare.sh: hyperfine is missing; installing it with scripts/setup.sh test" >&2
    "$root/scripts/setup.sh" test
fi

# The Release build, unless the caller (CTest) names the binaries.
if [ -z "$leakdemo" ] || [ -z "$microbench" ]; then
    if [ ! -x "$root/build/release/bin/leakdemo" ] || [ ! -x "$root/build/release/bin/leakdemo_microbench" ]; then
        (cd "$root" && cmake --preset release -DLEAKDEMO_BUILD_BENCH=ON >/dev/null &&
            cmake --build build/release --parallel --target leakdemo leakdemo_microbench >&2)
    fi
    leakdemo=${leakdemo:-$root/build/release/bin/leakdemo}
    microbench=${microbench:-$root/build/release/bin/leakdemo_microbench}
fi
[ -x "$leakdemo" ] || die "no leakdemo at $leakdemo"
[ -x "$microbench" ] || die "no microbenchmark binary at $microbench"

work=$(mktemp -d "${TMPDIR:-/tmp}/leakdemo-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The article's program exactly as its header says to build it.
article="$work/memory_leaks"
"${CC:-cc}" -O2 -o "$article" "$root/examples/memory_leaks.c"

# Sizes of each comparison: the issue's in a full run, a few iterations in the smoke pass.
if [ $smoke -eq 1 ]; then
    leak_n=20; free_n=2000; pairs=2; runs=1; free_runs=1; huge_runs=1; startup_runs=5; rss_runs=3; bench_reps=2; bench_time=0.01
else
    leak_n=200; free_n=200000; pairs=21; runs=1; free_runs=7; huge_runs=5; startup_runs=100; rss_runs=7; bench_reps=10; bench_time=0.2
fi

py() { python3 -c "$@"; }
# hyperfine's median wall time (seconds) of command number $2 in the JSON file $1.
median_of() { py "import json,sys; print(json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['median'])" "$1" "$2"; }
median_list() { py "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
# hyperfine's own warnings ("first run slower ...") are kept out of the table; shown only if it fails.
hf() { hyperfine -N --style none --output null "$@" >/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; return 1; }; }

rows=()      # "figure|value|target|verdict"
misses=0
add_row() {  # figure value target verdict(PASS|MISS|info)
    rows+=("$1|$2|$3|$4")
    [ "$4" != MISS ] || misses=$((misses + 1))
}
check() {  # figure value-shown value op limit target-text
    local verdict
    verdict=$(py "import sys; v,l=float(sys.argv[1]),float(sys.argv[3]); print('PASS' if (v<=l if sys.argv[2]=='le' else v>=l) else 'MISS')" "$3" "$4" "$5")
    add_row "$1" "$2" "$6" "$verdict"
}
load() { cut -d' ' -f1-3 /proc/loadavg; }
load_before=$(load)
# Read before the results file is rewritten (that rewrite would count as a local change).
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with local changes)')"

# 1. Microbenchmarks: medians over repetitions, wall time (real_time) and CPU time.
echo "compare.sh: microbenchmarks" >&2
"$microbench" --benchmark_min_time="$bench_time" --benchmark_repetitions="$bench_reps" \
    --benchmark_report_aggregates_only=true --benchmark_format=json --benchmark_out="$work/micro.json" \
    --benchmark_out_format=json >/dev/null 2>&1
micro() {  # name field -> median in microseconds
    py "import json,sys
for b in json.load(open(sys.argv[1]))['benchmarks']:
    if b['run_name']==sys.argv[2] and b.get('aggregate_name')=='median':
        scale={'ns':1e-3,'us':1,'ms':1e3}[b['time_unit']]
        print(f\"{b[sys.argv[3]]*scale:.3f}\")" "$work/micro.json" "$1" "$2"
}
sample_us=$(micro BM_Sample real_time)
csv_us=$(micro BM_FormatRow/csv real_time)
jsonl_us=$(micro BM_FormatRow/jsonl real_time)
check "sample() median" "${sample_us} µs (CPU $(micro BM_Sample cpu_time) µs)" "$sample_us" le 5 "≤ 5 µs"
check "CSV row formatting" "${csv_us} µs (CPU $(micro BM_FormatRow/csv cpu_time) µs)" "$csv_us" le 1 "≤ 1 µs"
check "JSONL row formatting" "${jsonl_us} µs (CPU $(micro BM_FormatRow/jsonl cpu_time) µs)" "$jsonl_us" le 1 "≤ 1 µs"

# 2. Leak mode against the C loop, paired: a pair is one run of each, back to back (order alternating), so
#    both see the same load; the figure is the median of the per-pair ratios. Page faults dominate: the
#    excess is leakdemo's own. CPU time (user + system) per pair is shown too: it moves less with load.
echo "compare.sh: leak mode, $pairs pairs of $leak_n x 4,096,000 bytes" >&2
leak_cmd="$leakdemo --mode leak -n $leak_n -i 0 --format csv"
article_cmd="$article $leak_n 0"
hf --warmup 2 --runs 1 "$leak_cmd" "$article_cmd"  # page cache and allocator warm before the first pair
ratios=(); cpu_ratios=(); leak_times=(); article_times=()
# wall, then user+system seconds, of command $2 in hyperfine JSON $1
run_figures() { py "import json,sys; r=json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]; print(r['median'], r['user']+r['system'])" "$1" "$2"; }
for pair in $(seq 1 "$pairs"); do
    if [ $((pair % 2)) -eq 1 ]; then
        hf --runs "$runs" --export-json "$work/pair.json" "$leak_cmd" "$article_cmd"
        read -r l l_cpu < <(run_figures "$work/pair.json" 0); read -r c c_cpu < <(run_figures "$work/pair.json" 1)
    else
        hf --runs "$runs" --export-json "$work/pair.json" "$article_cmd" "$leak_cmd"
        read -r c c_cpu < <(run_figures "$work/pair.json" 0); read -r l l_cpu < <(run_figures "$work/pair.json" 1)
    fi
    ratios+=("$(py "import sys; print(float(sys.argv[1])/float(sys.argv[2]))" "$l" "$c")")
    cpu_ratios+=("$(py "import sys; print(float(sys.argv[1])/float(sys.argv[2]))" "$l_cpu" "$c_cpu")")
    leak_times+=("$l"); article_times+=("$c")
done
ratio=$(median_list "${ratios[@]}")
leak_ms=$(py "import sys; print(f'{float(sys.argv[1])*1e3:.1f}')" "$(median_list "${leak_times[@]}")")
article_ms=$(py "import sys; print(f'{float(sys.argv[1])*1e3:.1f}')" "$(median_list "${article_times[@]}")")
spread=$(py "import sys; r=sorted(map(float, sys.argv[1:])); print(f'{r[0]:.3f}-{r[-1]:.3f}')" "${ratios[@]}")
check "leak mode leakdemo/C wall time" \
    "$(py "import sys; print(f'{float(sys.argv[1]):.3f}')" "$ratio") (pairs $spread; medians ${leak_ms} ms / ${article_ms} ms)" \
    "$ratio" le 1.03 "≤ 1.03"
add_row "leak mode leakdemo/C CPU time (user + system)" \
    "$(py "import sys; r=sorted(map(float, sys.argv[1:])); m=r[len(r)//2] if len(r)%2 else (r[len(r)//2-1]+r[len(r)//2])/2; print(f'{m:.3f} (pairs {r[0]:.3f}-{r[-1]:.3f})')" "${cpu_ratios[@]}")" \
    "(figure)" info

# 3. Free mode throughput: 4 KiB blocks, CSV to /dev/null, one write(2) per sample.
echo "compare.sh: free mode, $free_n x 4 KiB" >&2
hf --warmup 1 --runs "$free_runs" --export-json "$work/free.json" \
    "$leakdemo --mode free -n $free_n -b 4KiB -i 0 --format csv"
free_s=$(median_of "$work/free.json" 0)
per_s=$(py "import sys; print(round((int(sys.argv[1])+1)/float(sys.argv[2])))" "$free_n" "$free_s")
per_us=$(py "import sys; print(f'{float(sys.argv[2])/(int(sys.argv[1])+1)*1e6:.2f}')" "$free_n" "$free_s")
check "free mode samples per second" "$per_s /s (${per_us} µs per iteration, start-up included)" \
    "$per_s" ge 200000 "≥ 200,000 /s"

# 4. Start-up and the baseline resident set.
echo "compare.sh: start-up" >&2
# /bin/true is the floor: what starting any dynamically linked process costs on this machine right now.
hf --warmup 5 --runs "$startup_runs" --export-json "$work/startup.json" "$leakdemo --version" "$(command -v true)"
startup_ms=$(py "import sys; print(f'{float(sys.argv[1])*1e3:.2f}')" "$(median_of "$work/startup.json" 0)")
floor_ms=$(py "import sys; print(f'{float(sys.argv[1])*1e3:.2f}')" "$(median_of "$work/startup.json" 1)")
check "start-up: leakdemo --version median" "${startup_ms} ms (/bin/true: ${floor_ms} ms)" \
    "$startup_ms" le 3 "≤ 3 ms"

# Both started by this shell the same way: ru_maxrss includes the starter's high-water mark (inherited
# across fork and exec), sample 0's rss_bytes (statm) does not, so the comparison does not flatter the C side.
leak_rss=(); article_rss=()
for _ in $(seq 1 "$rss_runs"); do
    "$leakdemo" -n 1 -i 0 --format csv -q >"$work/rss.csv"
    leak_rss+=("$(py "import csv,sys; print(next(csv.DictReader(open(sys.argv[1])))['rss_bytes'])" "$work/rss.csv")")
    "$article" 1 0 >"$work/article.txt"
    article_rss+=("$(awk 'NR == 1 { print $3 * 1024 }' "$work/article.txt")")
done
rss_leak=$(median_list "${leak_rss[@]}")
rss_article=$(median_list "${article_rss[@]}")
rss_ratio=$(py "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.2f}')" "$rss_leak" "$rss_article")
check "baseline RSS: sample 0 / C's first ru_maxrss" \
    "$rss_ratio ($(py "import sys; print(f'{float(sys.argv[1])/1024:.0f} KiB / {float(sys.argv[2])/1024:.0f} KiB')" "$rss_leak" "$rss_article"))" \
    "$rss_ratio" le 2 "≤ 2"

# 5. --huge-pages: faults per block and wall time, leak mode, with and without (figures, no target).
if "$leakdemo" --huge-pages -n 1 -i 0 --format csv -q >/dev/null 2>"$work/huge.err"; then
    echo "compare.sh: --huge-pages" >&2
    faults_per_block() {
        "$leakdemo" --mode leak -n "$leak_n" -i 0 --format csv -q "$@" >"$work/faults.csv"
        py "import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(f\"{(int(r[-1]['minor_faults'])-int(r[0]['minor_faults']))/(len(r)-1):.1f}\")" "$work/faults.csv"
    }
    plain_faults=$(faults_per_block)
    huge_faults=$(faults_per_block --huge-pages)
    hf --warmup 1 --runs "$huge_runs" --export-json "$work/huge.json" "$leak_cmd" "$leak_cmd --huge-pages"
    plain_ms=$(py "import sys; print(f'{float(sys.argv[1])*1e3:.1f}')" "$(median_of "$work/huge.json" 0)")
    huge_ms=$(py "import sys; print(f'{float(sys.argv[1])*1e3:.1f}')" "$(median_of "$work/huge.json" 1)")
    add_row "leak mode faults per block: 4 KiB pages / --huge-pages" \
        "$plain_faults / $huge_faults ($(py "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.0f}')" "$plain_faults" "$huge_faults")x fewer)" "(figure)" info
    add_row "leak mode wall time: 4 KiB pages / --huge-pages" "${plain_ms} ms / ${huge_ms} ms" "(figure)" info
else
    add_row "--huge-pages" "not measured: $(head -1 "$work/huge.err")" "(figure)" info
fi
load_after=$(load)

# The table, for people, and the results file.
table() {
    printf '| figure | value | target | result |\n|---|---|---|---|\n'
    for row in "${rows[@]}"; do
        IFS='|' read -r figure value target verdict <<<"$row"
        printf '| %s | %s | %s | %s |\n' "$figure" "$value" "$target" "$verdict"
    done
}
table

if [ -n "$results" ]; then
    marker="<!-- notes: everything below this line is kept by bench/compare.sh -->"
    notes=""
    if [ -f "$results" ] && grep -qF "$marker" "$results"; then
        notes=$(awk -v marker="$marker" 'found || $0 == marker { found = 1; print }' "$results")
    fi
    {
        echo "# Benchmark results"
        echo
        echo "Written by \`bench/compare.sh$([ $smoke -eq 1 ] && echo " --smoke")\` — do not edit above the notes line."
        echo
        echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "- machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs," \
            "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
        echo "- load average (1, 5, 15 min): before $load_before, after $load_after"
        echo "- commit: $commit"
        echo "- tools: $(hyperfine --version), $("${CC:-cc}" --version | head -1), THP $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unavailable)"
        echo "- sizes: leak $leak_n x 4,096,000 B in $pairs pairs (one run of each per pair); free $free_n x 4 KiB"
        echo
        table
        echo
        echo "Microbenchmarks (medians of $bench_reps repetitions; wall time, CPU time):"
        echo
        echo '| benchmark | wall | CPU |'
        echo '|---|---|---|'
        py "import json,sys
for b in json.load(open(sys.argv[1]))['benchmarks']:
    if b.get('aggregate_name')=='median':
        print(f\"| {b['run_name']} | {b['real_time']:.0f} {b['time_unit']} | {b['cpu_time']:.0f} {b['time_unit']} |\")" "$work/micro.json"
        echo
        if [ -n "$notes" ]; then
            echo "$notes"
        else
            echo "$marker"
        fi
    } >"$results"
    echo "compare.sh: wrote $results" >&2
fi

if [ $smoke -eq 1 ]; then
    echo "compare.sh: smoke pass done (figures from a few iterations mean nothing; $misses MISS ignored)" >&2
    exit 0
fi
[ $strict -eq 1 ] && [ $misses -gt 0 ] && exit 1
exit 0
