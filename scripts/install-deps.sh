#!/usr/bin/env bash
# Installs the Debian packages Reeldesk needs. As root it runs apt-get; otherwise it prints the
# exact command and fails, so nothing is half-installed behind your back.
# Usage: scripts/install-deps.sh run|test|bench
set -euo pipefail
mode=${1:-run}
packages=(libfcgi-dev libfcgi-bin libcurl4-openssl-dev libsqlite3-dev libargon2-dev pkg-config nginx ffmpeg fonts-noto-cjk)
if [ "$mode" = test ]; then
    packages+=(python3 curl wrk chromium chromium-driver)
fi
if [ "$mode" = bench ]; then
    packages+=(python3 wrk gcc libc6-dev)
fi
# The browser tests drive Debian's chromium with PyPI's selenium.
install_selenium() {
    python3 -c 'import selenium' 2>/dev/null && return 0
    if ! python3 -m pip --version >/dev/null 2>&1; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "reeldesk: the browser tests need selenium; install it with: python3 -m pip install selenium" >&2
            exit 1
        fi
        apt-get install -y -qq python3-pip
    fi
    python3 -m pip install --quiet selenium 2>/dev/null || python3 -m pip install --quiet --break-system-packages selenium
}

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    [ "$mode" = test ] && install_selenium
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "reeldesk: missing Debian packages (${missing[*]}); install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
[ "$mode" = test ] && install_selenium
exit 0
