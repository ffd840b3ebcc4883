#!/usr/bin/env bash
# Refresh the English translation of the desktop app, then compile it.
#
#   scripts/update_translations.sh            lupdate + lrelease
#   scripts/update_translations.sh --check    also fail (status 1) when a text is untranslated
#
# 1. pyside6-lupdate reads every tr()/translate() text in desktop/ui/*.py (Simplified Chinese is
#    the source language) into resources/translations/fieldbook_en.ts. Texts already translated
#    keep their translation; new ones are added as "unfinished"; texts no longer in the code are
#    dropped.
# 2. Translate the unfinished ones: open the .ts in pyside6-linguist (or edit the XML: put the
#    English in <translation> and remove type="unfinished").
# 3. pyside6-lrelease compiles the .ts into fieldbook_en.qm, which the app loads for --lang en.
#
# Both tools ship with PySide6-Essentials (the project's .venv); nothing else to install.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${FIELDBOOK_VENV:-.venv}/bin"
TS=resources/translations/fieldbook_en.ts
QM=resources/translations/fieldbook_en.qm

for tool in pyside6-lupdate pyside6-lrelease; do
    if [[ ! -x "$BIN/$tool" ]]; then
        echo "update_translations: $BIN/$tool not found; run ./dev.sh setup (PySide6-Essentials)" >&2
        exit 2
    fi
done

mkdir -p "$(dirname "$TS")"
"$BIN/pyside6-lupdate" desktop/ui/*.py \
    -source-language zh_CN -target-language en \
    -locations relative -no-obsolete \
    -ts "$TS"
"$BIN/pyside6-lrelease" "$TS" -qm "$QM"

unfinished=$(grep -c 'type="unfinished"' "$TS" || true)
if [[ "$unfinished" -gt 0 ]]; then
    echo "update_translations: $unfinished text(s) in $TS still need an English translation" >&2
    if [[ "${1:-}" == "--check" ]]; then
        exit 1
    fi
fi
