#!/usr/bin/env bash
# Runs leakdemo with --report and photographs the report with headless Chromium (Debian's `chromium`).
#   scripts/report-screenshot.sh OUT.png [leakdemo arguments ...]
# e.g. scripts/report-screenshot.sh docs/report-free.png --mode free -n 20 -i 0 --explain
# LEAKDEMO names the binary (default build/release/bin/leakdemo); WINDOW the size (default 1100,1250).
# The Chromium flags are the ones the browser test uses: nothing is fetched, no profile is kept.
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: $0 OUT.png [leakdemo arguments ...]" >&2
    exit 2
fi
out=$1
shift
leakdemo=${LEAKDEMO:-build/release/bin/leakdemo}
window=${WINDOW:-1100,1250}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "$0: chromium is not installed (scripts/setup.sh test installs it)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$leakdemo" "$@" --report "$work/report.html" --format csv -q >/dev/null 2>"$work/leakdemo.log" || {
    cat "$work/leakdemo.log" >&2
    exit 1
}
if ! "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --disable-quic --user-data-dir="$work/profile" \
    --hide-scrollbars --window-size="$window" --screenshot="$(realpath -m "$out")" \
    "file://$work/report.html" >"$work/chromium.log" 2>&1; then
    cat "$work/chromium.log" >&2
    exit 1
fi
echo "$out"
