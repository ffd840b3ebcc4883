#!/usr/bin/env bash
# Fieldbook quick start on Debian 12 or 13.
#
#   ./dev.sh setup        system packages (apt-get, when missing) + .venv with pip install -e ".[server,dev]"
#   ./dev.sh app [ARGS]   setup, then start the desktop app (.venv/bin/fieldbook ARGS)
#   ./dev.sh test [ARGS]  setup, then the whole test suite (pytest ARGS) on Qt's offscreen platform
#
# Setup is idempotent: apt-get runs only when a package below is not installed, pip only when
# pyproject.toml is newer than the stamp .venv/.installed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT="$PWD"
VENV="$ROOT/.venv"
STAMP="$VENV/.installed"

# The Debian packages the project needs: the one list. "a|b" means the first of these names that
# the distribution knows (Debian 13 renamed some libraries with a t64 suffix).
DEBIAN_PACKAGES=(
    # Qt on the offscreen platform (tests, headless runs)
    libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3
    "libglib2.0-0t64|libglib2.0-0" libx11-6 libxcb1
    # a real window (X11 / Xvfb) and screenshots
    xvfb xauth libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
    libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1
    # Chinese text renders as boxes without a CJK font
    fonts-wqy-zenhei
    # pdftoppm: tests read printed PDFs back as images
    poppler-utils
    # LibreOffice (headless): tests open the app's xlsx files as a township office would
    libreoffice-calc-nogui
    # objdump: PyInstaller's desktop build (tests/test_build.py) needs it on Linux
    binutils
    # the server's web pages are tested in a real browser (tests/web, Playwright drives it)
    chromium chromium-driver
)

say() { printf 'dev.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Run a command as root: directly, through sudo, or not at all (returns 1).
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        return 1
    fi
}

is_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

apt_updated=0
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [[ $apt_updated -eq 0 ]]; then
        as_root apt-get update -qq
        apt_updated=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@"
}

# First alternative of "a|b|..." that apt knows as a real package (call after apt-get update).
resolve_name() {
    local alt
    local -a alts
    IFS='|' read -r -a alts <<<"$1"
    for alt in "${alts[@]}"; do
        if apt-cache show --no-all-versions "$alt" >/dev/null 2>&1; then
            printf '%s\n' "$alt"
            return 0
        fi
    done
    return 1
}

setup_system() {
    if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        say "not a Debian system: install the equivalents of these yourself: ${DEBIAN_PACKAGES[*]}"
        return 0
    fi
    local entry alt found missing=()
    local -a alts
    for entry in "${DEBIAN_PACKAGES[@]}"; do
        found=0
        IFS='|' read -r -a alts <<<"$entry"
        for alt in "${alts[@]}"; do
            if is_installed "$alt"; then found=1; break; fi
        done
        [[ $found -eq 1 ]] || missing+=("$entry")
    done
    [[ ${#missing[@]} -gt 0 ]] || return 0

    if [[ $EUID -ne 0 ]] && ! command -v sudo >/dev/null 2>&1; then
        say "warning: not root and no sudo; missing Debian packages: ${missing[*]//|/ or }"
        return 0
    fi
    say "installing Debian packages: ${missing[*]//|/ or }"
    as_root apt-get update -qq
    apt_updated=1
    local names=() name
    for entry in "${missing[@]}"; do
        name="$(resolve_name "$entry")" || die "no Debian package named ${entry//|/ or } here (Debian $(cat /etc/debian_version 2>/dev/null || echo unknown))"
        names+=("$name")
    done
    apt_install "${names[@]}"
}

find_python() {
    local cand
    for cand in python3.11 python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
            "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$cand"
            return 0
        fi
    done
    return 1
}

setup_venv() {
    if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        :
    else
        local py
        py="$(find_python)" || die "Python 3.11 or newer is needed: found neither python3.11 nor a python3 >= 3.11 (python3 is $(python3 --version 2>&1 || echo missing))"
        say "creating .venv with $py ($("$py" --version 2>&1))"
        rm -rf "$VENV"
        if ! "$py" -m venv "$VENV" >/dev/null 2>&1; then
            rm -rf "$VENV"
            # Debian's own Python needs pythonX.Y-venv (python3-venv) for ensurepip.
            local ver
            ver="$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
            say "'$py -m venv' failed; installing python$ver-venv"
            if apt-cache show --no-all-versions "python$ver-venv" >/dev/null 2>&1; then
                apt_install "python$ver-venv" || die "could not install python$ver-venv"
            else
                apt_install python3-venv || die "could not install python3-venv"
            fi
            "$py" -m venv "$VENV" || die "'$py -m venv $VENV' failed"
        fi
        rm -f "$STAMP"
    fi
    if [[ -f "$STAMP" && "$STAMP" -nt "$ROOT/pyproject.toml" ]]; then
        return 0
    fi
    say "pip install -e \".[server,dev]\" (PySide6, SQLAlchemy, FastAPI, pytest, ...)"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q -e "$ROOT[server,dev]"
    touch "$STAMP"
}

setup() {
    setup_system
    setup_venv
}

usage() {
    sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
    setup)
        setup
        say "ready: $VENV"
        ;;
    app)
        setup
        if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
            say "no display (DISPLAY and WAYLAND_DISPLAY are empty): a window needs one; try 'xvfb-run -a ./dev.sh app', or QT_QPA_PLATFORM=offscreen to run unseen"
        fi
        exec "$VENV/bin/fieldbook" "$@"
        ;;
    test)
        setup
        export QT_QPA_PLATFORM=offscreen
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    *)
        usage
        ;;
esac
