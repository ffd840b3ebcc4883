"""The keys and defaults of the laptop app's ``QSettings`` preferences, as plain constants.

The app reads them at every start, so they live here, without pydantic or Qt;
``desktop.settings_registry`` declares each of them once (type and help) from these constants,
and the windows (``desktop.ui.preferences``, ``desktop.ui.app``, ``desktop.ui.geometry``) take
them from here.
"""

from __future__ import annotations

LAST_DATABASE_KEY = "database/last_path"
DEMO_PATHS_KEY = "database/demo_paths"
"""The encrypted demo databases this app built (their ``demo_seed`` is sealed until sign-in)."""
LANGUAGE_KEY = "ui/lang"
LAST_USER_KEY = "signin/last_user"
WINDOW_GEOMETRY_KEY = "windows/{name}/geometry"
WINDOW_MAXIMISED_KEY = "windows/{name}/maximised"

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"
DEFAULT_WINDOW_MAXIMISED = False


def window_key(template: str, name: str) -> str:
    """A window's own key: ``template`` (``WINDOW_*_KEY``) with ``{name}`` filled in."""
    return template.format(name=name)
