#!/bin/sh
# Take the screenshots of issue 15 (real windows under Xvfb) and copy them to docs/screenshots/.
# Usage: scripts/update_screenshots.sh   (needs xvfb-run; run from anywhere)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-"$root/.venv/bin/python"}
[ -x "$python" ] || python=/work/main/.venv/bin/python
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for size in 1366x768 1024x768; do
    for lang in zh_CN en; do
        out="$tmp/$size-$lang"
        QT_QPA_PLATFORM=xcb PYTHONPATH="$root" xvfb-run -a -s "-screen 0 ${size}x24" \
            "$python" -m tests.ui.screens "$out" --lang "$lang"
        cp "$out"/*.png "$root/docs/screenshots/"
    done
done
echo "screenshots copied to $root/docs/screenshots/"
