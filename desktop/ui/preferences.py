"""The app's own preferences, kept in ``QSettings``: the last database, the language, the last user.

These are the person's choices on this laptop, not the database's settings (those live in the
database, ``desktop.store.settings``). The launcher (``desktop.ui.app``) and the main window's
设置 menu both read and write them here, so neither imports the other for them. Window geometry
is kept the same way by ``desktop.ui.geometry``.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

# The keys and defaults are declared once, in desktop.preference_keys (with their help in
# desktop.settings_registry); nothing here spells them again.
from desktop.preference_keys import DEFAULT_LANGUAGE, LANGUAGE_KEY, LANGUAGES, LAST_DATABASE_KEY

APP_NAME = "fieldbook"
DB_FILE_NAME = "fieldbook.db"
SETTINGS_ORGANISATION = "Fieldbook"
SETTINGS_APPLICATION = "Fieldbook"
LANGUAGE_NAMES = (("zh_CN", "简体中文"), ("en", "English"))
"""Each language in its own words: never translated."""


def default_db_path() -> Path:
    """Where the laptop's database lives: the user's data folder, never inside the program."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILE_NAME


def app_settings() -> QSettings:
    """The app's own preferences (last database, language, last user): ``QSettings``."""
    return QSettings(SETTINGS_ORGANISATION, SETTINGS_APPLICATION)


def choose_database(explicit: Path | str | None, settings: QSettings) -> Path:
    """The database to open: ``explicit``, else the last one opened if it still exists, else
    ``default_db_path()`` (built as the demo county when it does not exist)."""
    if explicit:
        return Path(explicit)
    last = settings.value(LAST_DATABASE_KEY)
    if isinstance(last, str) and last and Path(last).is_file():
        return Path(last)
    return default_db_path()


def choose_language(explicit: str | None, settings: QSettings) -> str:
    """``explicit`` (``--lang``), else the stored setting, else Simplified Chinese."""
    for candidate in (explicit, settings.value(LANGUAGE_KEY)):
        if isinstance(candidate, str) and candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def set_language(settings: QSettings, lang: str) -> None:
    """Remember the interface language for the next start (a menu's choice)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {LANGUAGES}")
    settings.setValue(LANGUAGE_KEY, lang)
