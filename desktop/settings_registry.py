"""Every setting of the laptop and the server, declared once: type, default, help, override.

A setting lives in one of five places, and this module declares each of them:

- ``DatabaseSettings``: facts kept in a database's ``settings`` table (``desktop.store.settings``
  reads and writes them by key). They belong to the database, so no environment variable
  overrides them; a key ending in ``.*`` is a family (one row per village, say).
- ``AppPreferences``: the laptop app's own preferences in ``QSettings`` (the last database, the
  language, window geometry); ``{name}`` in a key stands for a window's name.
- ``LaptopEnvironment``: what the laptop reads from environment variables only.
- ``ServerSettings``: the sync server's settings, each overridable by ``FIELDBOOK_SERVER_<NAME>``
  (pydantic-settings reads them; ``server_settings()`` is built once per process).
- The location figures, declared in ``resources/location.toml`` with their value and help, each
  overridable by ``FIELDBOOK_LOCATION_<NAME>`` (``desktop.domain.location_settings``); they are
  listed here from that file, not declared a second time.

``docs/settings.md`` is generated from this module (``python -m desktop.settings_registry
--write``); ``tests/test_settings_registry.py`` checks that it is current and that every key the
code uses is declared here.
"""

from __future__ import annotations

import functools
import sys
import typing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

# The database settings' and the app preferences' keys and defaults stay beside the code that reads
# them (it runs at every start, without pydantic); they are declared here, once, with their type
# and help.
from desktop.preference_keys import (
    DEFAULT_LANGUAGE,
    DEFAULT_WINDOW_MAXIMISED,
    DEMO_PATHS_KEY,
    LANGUAGE_KEY,
    LANGUAGES,
    LAST_DATABASE_KEY,
    LAST_USER_KEY,
    WINDOW_GEOMETRY_KEY,
    WINDOW_MAXIMISED_KEY,
)
from desktop.store.backup import (
    BACKUP_FOLDER_SETTING,
    BACKUP_KEEP_DAYS_SETTING,
    DEFAULT_KEEP_DAYS,
    LAST_DAILY_BACKUP_SETTING,
)
from desktop.store.card_key import CARD_KEY, COUNTY_CODE
from desktop.store.crypto import DEFAULT_IDLE_LOCK_MINUTES, IDLE_LOCK_SETTING
from desktop.store.drafts import AUTOSAVE_SETTING, DEFAULT_AUTOSAVE_SECONDS
from desktop.store.settings import DEMO_SEED_KEY, POLICY_YEAR_KEY, PRACTICE_DATE_KEY

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "settings.md"
SERVER_ENV_PREFIX = "FIELDBOOK_SERVER_"
LOCATION_ENV_PREFIX = "FIELDBOOK_LOCATION_"


def _key(key: str, help_text: str, default: object = None, **extra: object) -> typing.Any:
    """A field stored under ``key`` (its place's own name for it) with ``help_text``."""
    return Field(default=default, description=help_text, json_schema_extra={"key": key, **extra})


class DatabaseSettings(BaseModel):
    """Rows of a database's ``settings`` table (laptop and server share the table's shape)."""

    model_config = ConfigDict(frozen=True)

    policy_year: int | None = _key(
        POLICY_YEAR_KEY,
        "The policy year this database is worked under (default: the year in force).",
    )
    practice_date: date | None = _key(
        PRACTICE_DATE_KEY,
        "The day a practice (demo) database runs on; ignored in a real database.",
    )
    demo_seed: int | None = _key(
        DEMO_SEED_KEY, "The seed a practice database was generated from; marks it as practice."
    )
    card_key: str | None = _key(
        CARD_KEY,
        "The county's card key (base64, 32 random bytes) that signs household cards' QR codes; "
        "made on first use, or received from the server at enrollment.",
    )
    county_code: str | None = _key(
        COUNTY_CODE,
        "The 12-digit code of the database's county (default: its only county division).",
    )
    backup_folder: str | None = _key(
        BACKUP_FOLDER_SETTING,
        "The folder backups go to (another disk, a USB stick); default backups/ beside the "
        "database.",
    )
    backup_keep_days: int = _key(
        BACKUP_KEEP_DAYS_SETTING,
        "Days an automatic backup is kept before it is pruned.",
        DEFAULT_KEEP_DAYS,
    )
    backup_last_day: date | None = _key(
        LAST_DAILY_BACKUP_SETTING, "The day of the last daily backup (written by the app)."
    )
    idle_lock_minutes: float = _key(
        IDLE_LOCK_SETTING,
        "Minutes without input after which the app locks (0: never; under 1 counts as 1).",
        DEFAULT_IDLE_LOCK_MINUTES,
    )
    draft_autosave_seconds: float = _key(
        AUTOSAVE_SETTING,
        "Seconds after the last keystroke before a form's draft is saved (at least 0.2).",
        DEFAULT_AUTOSAVE_SECONDS,
    )
    sync_signing_key: str | None = _key(
        "sync.signing_key", "The laptop's Ed25519 signing key for sync (made at enrollment)."
    )
    sync_server_bundle_key: str | None = _key(
        "sync.server_bundle_key",
        "The server's public key that signs offline bundles (received at enrollment).",
    )
    sync_snapshot: str | None = _key(
        "sync.snapshot.*",
        "Per village: how far that village's first-day snapshot download has come (resumable).",
    )
    sync_bundle_key: str | None = _key(
        "sync.bundle_key", "Server only: the key that signs offline bundles (made on first use)."
    )


class AppPreferences(BaseModel):
    """The laptop app's ``QSettings`` (organisation and application ``Fieldbook``)."""

    model_config = ConfigDict(frozen=True)

    last_database: str | None = _key(
        LAST_DATABASE_KEY, "The database opened last; opened again at the next start."
    )
    demo_paths: list[str] = _key(
        DEMO_PATHS_KEY, "Practice databases this laptop made (offered again at start).", []
    )
    language: str = _key(
        LANGUAGE_KEY, f"The interface language: {' or '.join(LANGUAGES)}.", DEFAULT_LANGUAGE
    )
    last_user: str | None = _key(LAST_USER_KEY, "The name chosen at the last sign-in.")
    window_geometry: bytes | None = _key(
        WINDOW_GEOMETRY_KEY, "Where a window was and how large (Qt's saveGeometry)."
    )
    window_maximised: bool = _key(
        WINDOW_MAXIMISED_KEY,
        "Whether a window was maximised when it closed.",
        DEFAULT_WINDOW_MAXIMISED,
    )


class LaptopEnvironment(BaseSettings):
    """What the laptop reads from the environment (nothing stored)."""

    model_config = SettingsConfigDict(env_prefix="FIELDBOOK_", frozen=True)

    log_dir: Path | None = _key(
        "FIELDBOOK_LOG_DIR", "The folder of the app's log file (default: the user's log folder)."
    )
    cjk_font: str | None = _key(
        "FIELDBOOK_CJK_FONT",
        "A CJK font file for cards and PDFs, tried first (path, optionally #face-index).",
    )
    self_check_trace: bool = _key(
        "FIELDBOOK_SELF_CHECK_TRACE", "The self-check prints each failing step's traceback.", False
    )


class ServerSettings(BaseSettings):
    """The sync server's settings; each is overridden by ``FIELDBOOK_SERVER_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix=SERVER_ENV_PREFIX, frozen=True)

    db: str = _key(
        "db",
        "The server's database URL (PostgreSQL in production).",
        "sqlite:///fieldbook-server.db",
    )
    log: Path | None = _key(
        "log", "The rotating log file (default: fieldbook-server.log in the user's log folder)."
    )
    host: str = _key("host", "The address `serve` listens on.", "127.0.0.1")
    port: int = _key("port", "The port `serve` listens on.", 8000)
    workers: int = _key(
        "workers", "Worker processes of `serve` (reads in parallel; one writer).", 1
    )
    max_body_bytes: int = _key(
        "max_body_bytes",
        "Largest request body after decompression (guards against zip bombs).",
        32 * 1024 * 1024,
    )
    push_lock_timeout: float = _key(
        "push_lock_timeout", "Seconds a push waits for the one writer before answering 503.", 30.0
    )
    max_waiting_writers: int = _key(
        "max_waiting_writers", "Writes that may wait for the writer at once; more answer 429.", 16
    )
    retry_after_seconds: int = _key(
        "retry_after_seconds", "The Retry-After of a 429 or 503 answer (seconds).", 5
    )
    enroll_attempts: int = _key(
        "enroll_attempts", "Enrollment attempts allowed per address in one window.", 20
    )
    enroll_window_seconds: float = _key(
        "enroll_window_seconds", "The window of the enrollment rate limit (seconds).", 60.0
    )
    max_json_depth: int = _key("max_json_depth", "Deepest nesting a request body may have.", 32)
    import_lock_timeout: float = _key(
        "import_lock_timeout", "Seconds a console import waits for the writer.", 60.0
    )
    mbtiles: Path | None = _key(
        "mbtiles",
        "The county's base map for the web's village pages: an .mbtiles file (optional).",
    )
    web_password_min_chars: int = _key(
        "web_password_min_chars", "Shortest password of a staff web account.", 10
    )
    web_chart_days: int = _key("web_chart_days", "Days the web dashboard's charts cover.", 30)
    web_list_page: int = _key("web_list_page", "Rows on one page of a web list.", 100)
    web_search_limit: int = _key("web_search_limit", "Most results a web search shows.", 100)
    web_write_timeout: float = _key(
        "web_write_timeout", "Seconds a web page's write waits for the one writer.", 30.0
    )


@functools.cache
def server_settings() -> ServerSettings:
    """The server's settings in force: defaults, overridden by ``FIELDBOOK_SERVER_*`` variables."""
    return ServerSettings()


# --- the registry as a list ----------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """One declared setting, as the documentation lists it."""

    place: str
    key: str
    type: str
    default: str
    help: str
    override: str


PLACES = {
    "database": "Database `settings` table",
    "preferences": "Laptop app preferences (QSettings)",
    "laptop-env": "Laptop environment",
    "server": "Sync server",
    "location": "Location (resources/location.toml)",
}


def _type_name(annotation: object) -> str:
    text = str(annotation).replace("typing.", "").replace("pathlib.", "").replace("datetime.", "")
    text = text.replace("<class '", "").replace("'>", "")
    return text.replace("NoneType", "None").replace(" | ", " or ")


def _default(field: FieldInfo) -> str:
    return "—" if field.default is None else repr(field.default).replace("|", "\\|")


def _declared(place: str, model: type[BaseModel], override: typing.Callable[[str, str], str]):
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra
        assert isinstance(extra, dict)
        key = str(extra["key"])
        yield Declared(
            place=place,
            key=key,
            type=_type_name(field.annotation),
            default=_default(field),
            help=field.description or "",
            override=override(name, key),
        )


def declared_settings() -> list[Declared]:
    """Every declared setting, place by place."""
    from desktop.domain.location_settings import LocationSettings, setting_help

    found = [
        *_declared("database", DatabaseSettings, lambda _n, _k: "— (kept per database)"),
        *_declared("preferences", AppPreferences, lambda _n, _k: "— (the app's own)"),
        *_declared("laptop-env", LaptopEnvironment, lambda _n, key: f"`{key}`"),
        *_declared("server", ServerSettings, lambda n, _k: f"`{SERVER_ENV_PREFIX}{n.upper()}`"),
    ]
    hints = typing.get_type_hints(LocationSettings)
    values = _location_values()
    for name, text in setting_help().items():
        found.append(
            Declared(
                place="location",
                key=name,
                type=_type_name(hints.get(name, "?")),
                default="(list of points)" if name == "china_outline" else repr(values[name]),
                help=text,
                override=f"`{LOCATION_ENV_PREFIX}{name.upper()}`",
            )
        )
    return found


def _location_values() -> dict[str, object]:
    import tomllib

    from desktop.domain.location_settings import SETTINGS_FILE
    from desktop.domain.resources import resource_path

    raw = tomllib.loads(resource_path(SETTINGS_FILE).read_text(encoding="utf-8"))
    return {name: table["value"] for name, table in raw.items()}


def render_markdown() -> str:
    """``docs/settings.md``: every setting, grouped by where it lives."""
    lines = [
        "# Settings",
        "",
        "Generated from `desktop/settings_registry.py` (`python -m desktop.settings_registry "
        "--write`); do not edit by hand. Each setting is declared once there, with its type, "
        "default, help and environment override.",
        "",
    ]
    settings = declared_settings()
    for place, title in PLACES.items():
        lines += [
            f"## {title}",
            "",
            "| Key | Type | Default | Override | Help |",
            "|---|---|---|---|---|",
        ]
        for s in settings:
            if s.place == place:
                help_text = s.help.replace("|", "\\|")
                lines.append(f"| `{s.key}` | {s.type} | {s.default} | {s.override} | {help_text} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render_markdown()
    if "--write" in args:
        DOC_PATH.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
