"""The township and county office's web pages (server-rendered, Simplified Chinese).

``mount_web(app)`` adds them to the sync server under ``/web`` (``/`` redirects there): sign-in
and sessions, the overview of the county or a township, a village's households, problems,
procedure and map, a household's form and book, and conflict resolution. Scripts and styles
(Apache ECharts, Leaflet and our own) are shipped in ``static/`` and served by the app; the
Content-Security-Policy allows nothing else, and no page holds an inline script.
"""

from sync.server.web.pages import mount_web

__all__ = ["mount_web"]
