#!/usr/bin/env bash
# Makes docs/live-screenshot.txt, the README's picture of `leakdemo live`: the real program in an 80x22
# tmux pane (its own server socket, killed at the end), driven by the keys a class would press: hold for
# a while, release, free, trim, a new phase. The text is what tmux shows, captured with capture-pane.
#   scripts/live_screenshot.sh [path/to/leakdemo] [output file]
set -euo pipefail
leakdemo=${1:-build/release/bin/leakdemo}
output=${2:-docs/live-screenshot.txt}
socket="leakdemo-screenshot-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true' EXIT

tmux -L "$socket" new-session -d -x 80 -y 22 \
    "env LANG=C.UTF-8 $(printf '%q' "$leakdemo") live -b 1MiB -i 100ms; sleep 600"

# Waits until the frame's first line says iteration N or later.
wait_for_iteration() {
    for _ in $(seq 1 300); do
        local shown
        shown=$(tmux -L "$socket" capture-pane -p | head -1 | sed -n 's/.*iteration \([0-9]*\).*/\1/p')
        if [[ -n "$shown" && "$shown" -ge "$1" ]]; then
            return 0
        fi
        sleep 0.05
    done
    echo "live_screenshot: no frame with iteration $1" >&2
    exit 1
}

wait_for_iteration 8
tmux -L "$socket" send-keys h
wait_for_iteration 24
tmux -L "$socket" send-keys r
wait_for_iteration 28
tmux -L "$socket" send-keys f
wait_for_iteration 34
tmux -L "$socket" send-keys t
wait_for_iteration 36
tmux -L "$socket" send-keys m
wait_for_iteration 44
tmux -L "$socket" send-keys space
sleep 0.3
tmux -L "$socket" capture-pane -p | sed -e 's/[[:space:]]*$//' > "$output"
tmux -L "$socket" send-keys q
echo "live_screenshot: wrote $output"
