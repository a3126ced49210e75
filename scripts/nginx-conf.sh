#!/usr/bin/env bash
# Writes an nginx prefix under $REELDESK_DATA_DIR/nginx from nginx/reeldesk.conf (the production
# site file) with its paths, listen address, body limit and connection limits rewritten for this
# checkout. Values come from `reeldesk check-config --export`, which has validated them.
# Usage: scripts/nginx-conf.sh   (reads REELDESK_HOST, REELDESK_PORT, REELDESK_DATA_DIR,
#        REELDESK_MAX_BODY_MB, REELDESK_MAX_STREAMS, REELDESK_SOCKET, REELDESK_SIM_PORT, REELDESK_SIM_SOCKET)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# Paths are written into nginx's configuration unquoted: refuse anything but plain characters.
case "$repo" in *[!A-Za-z0-9._+@/-]*)
    echo "reeldesk: the checkout's path ($repo) has characters nginx's configuration cannot take; clone it into a plain path" >&2
    exit 1 ;;
esac
prefix="$REELDESK_DATA_DIR/nginx"
mkdir -p "$prefix"/{conf,logs,tmp/client_body,tmp/proxy,tmp/fastcgi,tmp/uwsgi,tmp/scgi}
body_mb=$(( REELDESK_MAX_BODY_MB + 1 ))
connections=$(( 2 * REELDESK_MAX_STREAMS + 1024 ))
# One descriptor per connection; REELDESK_MAX_STREAMS was already lowered by the binary to fit
# the hard limit, so this stays within it.
nofile=$(( connections + 64 ))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$nofile" ]; then nofile=$hard; fi
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root root;"
sed -e "s#unix:/srv/reeldesk/var/reeldesk.sock#unix:$REELDESK_SOCKET#" \
    -e "s#/srv/reeldesk/var/#$REELDESK_DATA_DIR/#g" \
    -e "s#/srv/reeldesk/Public/#$repo/Public/#g" \
    -e "s#listen 127.0.0.1:8080;#listen $REELDESK_HOST:$REELDESK_PORT;#" \
    -e "s#client_max_body_size 65m;#client_max_body_size ${body_mb}m;#" \
    "$repo/nginx/reeldesk.conf" > "$prefix/conf/site.conf"
cp /etc/nginx/fastcgi_params /etc/nginx/mime.types "$prefix/conf/"
sed -e "s#@SIM_PORT@#$REELDESK_SIM_PORT#" -e "s#@SIM_SOCKET@#$REELDESK_SIM_SOCKET#" \
    "$repo/nginx/simulator.conf" > "$prefix/conf/simulator.conf"
sed -e "s#@PREFIX@#$prefix#g" -e "s#@USER_LINE@#$user_line#" \
    -e "s#@WORKER_CONNECTIONS@#$connections#" -e "s#@RLIMIT_NOFILE@#$nofile#" \
    "$repo/nginx/nginx-prefix.conf" > "$prefix/conf/nginx.conf"
echo "$prefix"
