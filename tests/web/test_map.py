"""The village map over the county's MBTiles (issue 17, item 3): with a file configured the page
draws its tiles underneath the households (served by the server itself, to signed-in staff only);
without one the map is plain coordinates."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from desktop.location.mbtiles import tiles_covering
from desktop.store.models import Division, Household
from tests.web.test_pages import sign_in

pytestmark = pytest.mark.slow

ZOOMS = (13, 14, 15)


def tile_png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(out, format="PNG")
    return out.getvalue()


def make_mbtiles(path: Path, south: float, west: float, north: float, east: float) -> int:
    """A small MBTiles file (PNG tiles, TMS rows) covering the box at ``ZOOMS``."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
        " tile_data BLOB)"
    )
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "测试县"), ("format", "png")])
    image = tile_png((207, 232, 200))
    count = 0
    for zoom in ZOOMS:
        for x, y in tiles_covering(south, west, north, east, zoom):
            db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (zoom, x, 2**zoom - 1 - y, image))
            count += 1
    db.commit()
    db.close()
    return count


def village_box(web, code: str) -> tuple[float, float, float, float]:
    with web.live.db.session() as session:
        village = session.scalars(select(Division).where(Division.code == code)).one()
        south, north, west, east = session.execute(
            select(
                func.min(Household.latitude),
                func.max(Household.latitude),
                func.min(Household.longitude),
                func.max(Household.longitude),
            ).where(Household.village_id == village.id, Household.deleted.is_(False))
        ).one()
    assert south is not None, "the demo village has located households"
    return south - 0.01, west - 0.01, north + 0.01, east + 0.01


@pytest.fixture
def base_map(web, tmp_path):
    code = web.demo_villages[0]
    path = tmp_path / "county.mbtiles"
    assert make_mbtiles(path, *village_box(web, code)) > 0
    web.live.app.state.web_mbtiles = path
    try:
        yield code
    finally:
        web.live.app.state.web_mbtiles = None


def test_the_village_map_draws_the_countys_mbtiles_underneath(web, page, shoot, base_map):
    sign_in(page, web, "县管理员")
    answers: list[tuple[str, int, str]] = []
    page.on(
        "response",
        lambda r: (
            answers.append((r.url, r.status, r.headers.get("content-type", "")))
            if "/web/tiles/" in r.url
            else None
        ),
    )
    page.goto(f"{web.url}/web/village/{base_map}")
    page.wait_for_selector("#village-map img.leaflet-tile-loaded")
    assert "离线底图" in page.locator("#map-h").inner_text()
    assert page.locator("#village-map path.leaflet-interactive").count() > 0  # the households
    loaded = [a for a in answers if a[1] == 200]
    assert loaded and all(kind == "image/png" for _url, _status, kind in loaded)
    assert page.console_errors == []
    page.locator("#village-map").scroll_into_view_if_needed()
    shoot(page, "village-map-tiles")


def test_without_a_file_the_map_is_plain_and_tiles_need_a_session(web, page, base_map):
    with httpx.Client(base_url=web.url) as anonymous:
        answer = anonymous.get("/web/tiles/14/0/0")
        assert answer.status_code == 303 and answer.headers["location"].endswith("/web/signin")
    web.live.app.state.web_mbtiles = None
    sign_in(page, web, "县管理员")
    page.goto(f"{web.url}/web/village/{base_map}")
    assert "无底图" in page.locator("#map-h").inner_text()
    assert page.locator("#village-map img.leaflet-tile").count() == 0
    assert page.locator("#village-map path.leaflet-interactive").count() > 0
