#!/usr/bin/env bash
# `make run`: starts the simulator (when no API key is set), `reeldesk serve` and nginx (from a
# prefix in the data dir) in the foreground, prints the URL, and stops all of them on Ctrl-C or
# SIGTERM. If any of them stops on its own, the others are stopped too and the exit status is
# non-zero. A start that cannot work (tools missing, data dir not writable, port busy, another
# Reeldesk on the same data dir) is refused with one line before anything starts.
# Usage: scripts/run.sh [path/to/reeldesk]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/.build/release/reeldesk}
cd "$repo"

# The binary validates the configuration and prints the resolved settings as NAME=value lines.
# They are read as data (never eval'ed): a value cannot run a command.
exports=$("$bin" check-config --export) || exit 2
while IFS='=' read -r name value; do
    case "$name" in REELDESK_[A-Z_]*) export "$name=$value" ;; esac
done <<< "$exports"

"$bin" preflight || exit 1
"$bin" migrate >/dev/null
# First start with no accounts: `admin` gets a random password, printed here once (stdout
# only, never a log file). Printed again below with the URL, so it is not scrolled away.
first_login=$("$bin" user bootstrap) || exit 1
prefix=$("$repo/scripts/nginx-conf.sh")

pids=()
names=()
stop_all() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
on_signal() { trap - INT TERM; stop_all; echo "Reeldesk stopped."; exit 0; }
trap on_signal INT TERM
trap 'stop_all' EXIT
fail() { echo "reeldesk: $*" >&2; exit 1; }

start() {  # start NAME COMMAND...
    names+=("$1"); shift
    "$@" &
    pids+=($!)
}
wait_for_socket() {  # wait_for_socket NAME PATH
    for _ in $(seq 1 100); do
        [ -S "$2" ] && return 0
        kill -0 "${pids[-1]}" 2>/dev/null || fail "$1 did not start; see the messages above."
        sleep 0.1
    done
    fail "$1 did not open $2 within 10 s; see the messages above."
}

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$REELDESK_SIMULATED" = 1 ]; then
    # No API key: the portal talks to the built-in simulator, which is started here.
    start simulator "$bin" simulator
    wait_for_socket "the simulator" "$REELDESK_SIM_SOCKET"
fi
start "reeldesk serve" "$bin" serve
wait_for_socket "reeldesk serve" "$REELDESK_SOCKET"

start nginx nginx -p "$prefix" -c conf/nginx.conf -e stderr -g 'daemon off;'
up=0
for _ in $(seq 1 50); do
    kill -0 "${pids[-1]}" 2>/dev/null || fail "nginx did not start; see the messages above."
    if (exec 3<>"/dev/tcp/$REELDESK_HOST/$REELDESK_PORT") 2>/dev/null; then up=1; break; fi
    sleep 0.1
done
[ "$up" = 1 ] || fail "nginx is not answering on $REELDESK_HOST:$REELDESK_PORT; see the messages above."

[ "$REELDESK_SIMULATED" = 1 ] && echo "No REELDESK_API_KEY set: using the built-in upstream simulator (videos are synthetic)."
echo "Reeldesk is up at http://$REELDESK_HOST:$REELDESK_PORT/  (Ctrl-C stops it)"
[ -n "$first_login" ] && echo "$first_login"
first_login=""

# Whichever child ends first ends the run; its status decides ours. Checked every second
# (`sleep & wait` keeps Ctrl-C prompt), which also catches a child that died before this point.
while :; do
    for i in "${!pids[@]}"; do
        if ! kill -0 "${pids[$i]}" 2>/dev/null; then
            status=0
            wait "${pids[$i]}" || status=$?
            # Status 0: it was asked to stop (Ctrl-C reaches every process of the terminal's
            # group, sometimes before this script's own trap runs). Anything else is a failure.
            if [ "$status" = 0 ]; then on_signal; fi
            echo "reeldesk: ${names[$i]} stopped (status $status); stopping the rest." >&2
            exit "$status"
        fi
    done
    sleep 1 &
    wait $! || true
done
