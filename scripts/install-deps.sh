#!/usr/bin/env bash
# Installs the Debian packages Reeldesk needs. As root it runs apt-get; otherwise it prints the
# exact command and fails, so nothing is half-installed behind your back.
# Usage: scripts/install-deps.sh run|test
set -euo pipefail
mode=${1:-run}
packages=(libfcgi-dev libfcgi-bin libcurl4-openssl-dev libsqlite3-dev pkg-config nginx ffmpeg fonts-noto-cjk)
if [ "$mode" = test ]; then
    packages+=(python3 curl)
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "Reeldesk needs these Debian packages: ${missing[*]}" >&2
    echo "Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
