"""Web fixtures: a real uvicorn server on 127.0.0.1 (SQLite and PostgreSQL) holding two counties
(乾县 from the sync suite and the demo county), staff accounts, and Debian's chromium driven by
Playwright at 1366x768.

Screenshots go to the test's ``tmp_path``; with ``FIELDBOOK_WEB_SCREENSHOTS=DIR`` (for example
``docs/screenshots``) they are copied there too.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from desktop.store.models import Division
from sync.server.seed import load_registry
from sync.server.web.accounts import add_user
from tests.sync.conftest import (  # noqa: F401  (fixtures used by the web tests)
    EAST,
    LiveServer,
    _start,
    demo_template,
    make_laptop,
    pg_server_session_database,
    sqlite_templates,
)

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1366, "height": 768}
PASSWORD = "正确的马电池订书钉-2019"  # 10+ characters
QIAN_TOWNSHIP = "610424100000"  # 城关镇 of 乾县 (tests.sync.conftest.DIVISIONS)
SCREENSHOT_ENV = "FIELDBOOK_WEB_SCREENSHOTS"


@dataclass
class WebServer:
    """A running server with the demo county loaded and three staff accounts."""

    live: LiveServer
    backend: str
    demo_township: str
    demo_villages: list[str]

    @property
    def url(self) -> str:
        return self.live.url

    def add_user(self, name: str, role: str, township: str | None = None) -> str:
        with self.live.db.session() as session:
            add_user(session, name, role, PASSWORD, township=township)
        return name

    @contextmanager
    def signed_in(self, name: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
        """An HTTP client with a session of ``name`` (no browser)."""
        with httpx.Client(base_url=self.url, timeout=30) as client:
            assert signin(client, name, password).status_code == 303
            yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def signin(client: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Response:
    form = client.get("/web/signin")
    return client.post(
        "/web/signin",
        data={"name": name, "password": password, "csrf_token": csrf_of(form.text)},
    )


def _prepare(live: LiveServer, demo: Path) -> WebServer:
    load_registry(live.db, demo, everything=True)
    with live.db.session() as session:
        demo_county = session.scalars(
            select(Division).where(Division.level == "county", Division.code != "610424000000")
        ).one()
        township = session.scalars(
            select(Division).where(Division.parent_id == demo_county.id).order_by(Division.code)
        ).first()
        villages = list(
            session.scalars(
                select(Division.code)
                .where(Division.parent_id == township.id, Division.level == "village")
                .order_by(Division.code)
            )
        )
        add_user(session, "县管理员", "county_admin", PASSWORD)
        add_user(session, "演示乡审核", "township_reviewer", PASSWORD, township=township.code)
        add_user(session, "城关审核", "township_reviewer", PASSWORD, township=QIAN_TOWNSHIP)
    return WebServer(live, "", township.code, villages)


@pytest.fixture(scope="session")
def web_servers() -> Iterator[dict[str, WebServer]]:
    running: dict[str, WebServer] = {}
    yield running
    for web in running.values():
        web.live.server.should_exit = True
        web.live.thread.join(15)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def web(request, web_servers, tmp_path_factory, demo_template) -> WebServer:  # noqa: F811
    """The web server on a SQLite file and on PostgreSQL (started once per backend; tests that
    write use their own households and accounts)."""
    backend = request.param
    if backend not in web_servers:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'server.db'}"
        else:
            url = request.getfixturevalue("pg_server_session_database")
        prepared = _prepare(_start(url), demo_template)
        prepared.backend = backend
        web_servers[backend] = prepared
    return web_servers[backend]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def shoot(tmp_path: Path):
    """``shoot(page, name)``: a 1366x768 screenshot in tmp_path (and in $FIELDBOOK_WEB_SCREENSHOTS)."""
    target = os.environ.get(SCREENSHOT_ENV)

    def take(page, name: str) -> Path:
        path = tmp_path / f"web-{name}.png"
        page.screenshot(path=str(path))
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, Path(target) / path.name)
        return path

    return take


_SEQ = itertools.count(11)  # an ID number takes a sequence of 0-99


def new_household(laptop) -> tuple[str, str]:
    """A household of 东街村 saved on ``laptop`` with a fresh number and fresh ID numbers:
    (household id, household number)."""
    seq = next(_SEQ)
    number = f"{EAST}{seq:04d}"
    return laptop.create_household(number, seq=seq).household_id, number


def unique(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(3)}"
