#!/usr/bin/env bash
# Build the one-folder desktop program with PyInstaller (build.spec), then run its self-check.
#
#   scripts/build_desktop.sh               # -> dist/fieldbook/ (fieldbook, fieldbook-cli, _internal/)
#   scripts/build_desktop.sh --no-check    # build only
#   DIST=/tmp/out scripts/build_desktop.sh # build somewhere else (WORK= for PyInstaller's scratch)
#
# Runs on Linux here and in CI. PyInstaller does not cross-compile: a Windows build is made on
# Windows with the same spec (see the README). Needs ./dev.sh setup first (the .venv with [dev]).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
PYTHON="$ROOT/.venv/bin/python"
DIST="${DIST:-$ROOT/dist}"
WORK="${WORK:-$ROOT/build/pyinstaller}"
CHECK=1

for arg in "$@"; do
    case "$arg" in
        --no-check) CHECK=0 ;;
        -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build_desktop.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

[[ -x "$PYTHON" ]] || { echo "build_desktop.sh: no .venv here; run ./dev.sh setup first" >&2; exit 1; }
if ! "$PYTHON" -c 'import PyInstaller' 2>/dev/null; then
    echo "build_desktop.sh: PyInstaller is missing; run ./dev.sh setup (it is in the [dev] extra)" >&2
    exit 1
fi

"$PYTHON" -m PyInstaller "$ROOT/build.spec" --noconfirm --distpath "$DIST" --workpath "$WORK"
echo "build_desktop.sh: built $DIST/fieldbook ($(du -sh "$DIST/fieldbook" | cut -f1))" >&2

if [[ $CHECK -eq 1 ]]; then
    # away from the source tree, on Qt's offscreen platform, with a fresh home
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    (cd "$scratch" && env -i PATH=/usr/bin:/bin HOME="$scratch" LANG=C.UTF-8 \
        QT_QPA_PLATFORM=offscreen "$DIST/fieldbook/fieldbook" --self-check)
fi
