#!/bin/sh
# Install what tests/test_view_browser.py needs, if missing:
#   - Debian's chromium (/usr/bin/chromium) and a Bengali font (fonts-noto-core)
#     so screenshots show real glyphs: apt-get, as root (or via sudo);
#   - the Python `playwright` package (the driver only) into $PYTHON's environment.
# Idempotent and quiet; with everything present it only runs a few checks.
# It never runs `playwright install` (that downloads a browser and fails here).
set -eu

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
    venv="$(dirname "$0")/../.venv/bin/python"
    if [ -x "$venv" ]; then PYTHON=$venv; else PYTHON=python3; fi
fi

packages=""
[ -x /usr/bin/chromium ] || packages="chromium"
if ! fc-list :lang=bn family 2>/dev/null | grep -q .; then packages="$packages fonts-noto-core"; fi

if [ -n "$packages" ]; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    log=$(mktemp)
    if ! { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
           $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages; } >"$log" 2>&1; then
        cat "$log" >&2
        echo "browser_setup.sh: apt-get install$packages failed" >&2
        rm -f "$log"
        exit 1
    fi
    rm -f "$log"
    [ -x /usr/bin/chromium ] || { echo "browser_setup.sh: /usr/bin/chromium missing after apt-get" >&2; exit 1; }
fi

if ! "$PYTHON" -c "import playwright.sync_api" >/dev/null 2>&1; then
    "$PYTHON" -m pip install -q --disable-pip-version-check "playwright>=1.55" 2>&1 | grep -v "^WARNING: Location" >&2 || true
    "$PYTHON" -c "import playwright.sync_api" || { echo "browser_setup.sh: cannot import playwright" >&2; exit 1; }
fi
