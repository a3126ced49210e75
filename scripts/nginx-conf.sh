#!/usr/bin/env bash
# Writes an nginx prefix under $REELDESK_DATA_DIR/nginx from nginx/reeldesk.conf (the production
# site file) with its paths, listen address and body limit rewritten for this checkout.
# Usage: scripts/nginx-conf.sh   (reads REELDESK_HOST, REELDESK_PORT, REELDESK_DATA_DIR,
#        REELDESK_MAX_BODY_MB, REELDESK_SOCKET, REELDESK_SIM_PORT, REELDESK_SIM_SOCKET as printed by `reeldesk check-config --export`)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
prefix="$REELDESK_DATA_DIR/nginx"
mkdir -p "$prefix"/{conf,logs,tmp/client_body,tmp/proxy,tmp/fastcgi,tmp/uwsgi,tmp/scgi}
body_mb=$(( REELDESK_MAX_BODY_MB + 1 ))
sed -e "s#unix:/srv/reeldesk/var/reeldesk.sock#unix:$REELDESK_SOCKET#" \
    -e "s#/srv/reeldesk/var/#$REELDESK_DATA_DIR/#g" \
    -e "s#/srv/reeldesk/Public/#$repo/Public/#g" \
    -e "s#listen 127.0.0.1:8080;#listen $REELDESK_HOST:$REELDESK_PORT;#" \
    -e "s#client_max_body_size 65m;#client_max_body_size ${body_mb}m;#" \
    "$repo/nginx/reeldesk.conf" > "$prefix/conf/site.conf"
cp /etc/nginx/fastcgi_params /etc/nginx/mime.types "$prefix/conf/"
sed -e "s#@SIM_PORT@#$REELDESK_SIM_PORT#" -e "s#@SIM_SOCKET@#$REELDESK_SIM_SOCKET#" \
    "$repo/nginx/simulator.conf" > "$prefix/conf/simulator.conf"
sed -e "s#@PREFIX@#$prefix#g" "$repo/nginx/nginx-prefix.conf" > "$prefix/conf/nginx.conf"
echo "$prefix"
