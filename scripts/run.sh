#!/usr/bin/env bash
# `make run`: starts `reeldesk serve` and nginx (from a prefix in the data dir) in the
# foreground, prints the URL, and stops both cleanly on Ctrl-C or SIGTERM.
# Usage: scripts/run.sh [path/to/reeldesk]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/.build/release/reeldesk}
cd "$repo"

# Validate the configuration once; the same binary tells the scripts the resolved settings.
exports=$("$bin" check-config --export)
eval "$(echo "$exports" | sed 's/^/export /')"
mkdir -p "$REELDESK_DATA_DIR"
"$bin" migrate
prefix=$("$repo/scripts/nginx-conf.sh")

pids=()
stop() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    echo "Reeldesk stopped."
}
trap stop INT TERM EXIT

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$REELDESK_SIMULATED" = 1 ]; then
    # No API key: the portal talks to the built-in simulator, which is started here.
    "$bin" simulator &
    pids+=($!)
    for _ in $(seq 1 100); do [ -S "$REELDESK_SIM_SOCKET" ] && break; sleep 0.1; done
fi
"$bin" serve &
pids+=($!)
for _ in $(seq 1 100); do [ -S "$REELDESK_SOCKET" ] && break; sleep 0.1; done
[ -S "$REELDESK_SOCKET" ] || { echo "reeldesk serve did not start; see the messages above." >&2; exit 1; }

nginx -p "$prefix" -c conf/nginx.conf -e stderr -g 'daemon off;' &
pids+=($!)
sleep 0.3
kill -0 "${pids[-1]}" 2>/dev/null || { echo "nginx did not start; see the messages above." >&2; exit 1; }

[ "$REELDESK_SIMULATED" = 1 ] && echo "No REELDESK_API_KEY set: using the built-in upstream simulator (videos are synthetic)."
echo "Reeldesk is up at http://$REELDESK_HOST:$REELDESK_PORT/  (Ctrl-C stops it)"
wait -n "${pids[@]}" || true
