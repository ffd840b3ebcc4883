"""The village map with real widgets offscreen: true scale, colours, clicks, the unlocated list,
the scale bar and north arrow, and offline MBTiles drawn underneath."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QWheelEvent
from sqlalchemy import select

from desktop.domain.geo import geodesic_m
from desktop.location.apply import clear_household_location
from desktop.location.mbtiles import MBTiles, find_mbtiles, tile_xy, tiles_covering
from desktop.location.queries import VillageMap, village_map
from desktop.store.db import Database
from desktop.store.models import Division, Household
from desktop.store.save import save_household
from desktop.ui.tasks import ImmediateTaskRunner
from desktop.ui.village_map import (
    STATUS_COLOURS,
    VillageMapWidget,
    nice_scale_length,
)

SCREENSHOT = Path("/tmp/fieldbook-village-map.png")
TILE_COLOUR = QColor("#cfe8c8")


def first_village(session) -> Division:
    return session.scalars(
        select(Division).where(Division.level == "village").order_by(Division.code)
    ).first()


@pytest.fixture(scope="module")
def village_data(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> VillageMap:
    """The first demo village with five households' locations cleared (so the list shows some)."""
    import shutil

    from desktop.store.db import open_database

    copy = tmp_path_factory.mktemp("map") / "fieldbook.db"
    shutil.copyfile(demo_path, copy)
    db = open_database(copy)
    try:
        with db.session() as session:
            village = first_village(session)
            households = session.scalars(
                select(Household)
                .where(Household.village_id == village.id, Household.away_long_term.is_(False))
                .order_by(Household.household_number)
                .limit(5)
            ).all()
            for household in households:
                _ = household.village
                clear_household_location(household)
                save_household(session, household, actor="测试员", reason="位置有误, 待重新采集")
            data = village_map(session, village.id)
    finally:
        db.dispose()
    assert data is not None
    return data


@pytest.fixture
def map_widget(qtbot):
    widget = VillageMapWidget()
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_every_located_household_is_a_dot_in_its_status_colour(
    map_widget, village_data: VillageMap
) -> None:
    map_widget.show_village(village_data)
    items = map_widget.view.household_items
    assert set(items) == {h.id for h in village_data.located}
    for household in village_data.located:
        item = items[household.id]
        if household.location_source in ("original_address", "village_committee"):
            assert item.brush().style() == Qt.BrushStyle.NoBrush  # hollow: the Q19 fallback
            assert item.pen().color() == STATUS_COLOURS[household.status]
        else:
            assert item.brush().color() == STATUS_COLOURS[household.status]
    assert f"已定位 {len(village_data.located)} 户, 未定位 5 户" in map_widget.title.text()


def test_points_are_drawn_at_true_scale_around_the_committee(
    map_widget, village_data: VillageMap
) -> None:
    map_widget.show_village(village_data)
    committee = village_data.committee
    assert map_widget.view.committee_item.pos() == QPointF(0, 0)
    a, b = village_data.located[0], village_data.located[-1]
    pa, pb = (
        map_widget.view.household_items[a.id].pos(),
        map_widget.view.household_items[b.id].pos(),
    )
    scene_distance = ((pa.x() - pb.x()) ** 2 + (pa.y() - pb.y()) ** 2) ** 0.5
    assert scene_distance == pytest.approx(
        geodesic_m(a.latitude, a.longitude, b.latitude, b.longitude), rel=0.005
    )
    north = max(village_data.located, key=lambda h: h.latitude)
    assert map_widget.view.household_items[north.id].pos().y() < 0  # north is up
    east = max(village_data.located, key=lambda h: h.longitude)
    assert map_widget.view.household_items[east.id].pos().x() > 0
    assert committee is not None


def test_clicking_a_dot_emits_its_household(map_widget, village_data: VillageMap, qtbot) -> None:
    map_widget.show_village(village_data)
    view = map_widget.view
    target = next(h for h in village_data.located if h.location_source == "gps")
    point = view.mapFromScene(view.household_items[target.id].pos())
    with qtbot.waitSignal(map_widget.householdActivated, timeout=2000) as signal:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert signal.args == [target.id] or view.household_at(QPointF(point)) == signal.args[0]
    empty = QPoint(5, view.viewport().height() // 2)
    assert view.household_at(QPointF(empty)) is None


def test_households_without_a_location_are_listed_beside_and_open_on_activation(
    map_widget, village_data: VillageMap, qtbot
) -> None:
    map_widget.show_village(village_data)
    assert map_widget.missing.count() == 5 and "(5)" in map_widget.missing_title.text()
    first = map_widget.missing.item(0)
    assert village_data.unlocated[0].household_number in first.text()
    with qtbot.waitSignal(map_widget.householdActivated, timeout=2000) as signal:
        map_widget.missing.itemActivated.emit(first)
    assert signal.args == [village_data.unlocated[0].id]


def test_the_scale_bar_follows_the_zoom_and_the_north_arrow_is_drawn(
    map_widget, village_data: VillageMap, qtbot
) -> None:
    map_widget.show_village(village_data)
    view = map_widget.view
    view.viewport().grab()
    before = view.scale_text
    assert before.endswith("米") or before.endswith("公里")
    wheel = QWheelEvent(
        QPointF(view.viewport().rect().center()),
        QPointF(view.mapToGlobal(view.viewport().rect().center())),
        QPoint(0, 0),
        QPoint(0, 360),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    view.wheelEvent(wheel)
    view.viewport().grab()
    assert view.scale_text != before
    image = view.viewport().grab().toImage()
    arrow = image.pixelColor(image.width() - 34, 30)
    assert arrow.lightness() < 60, "the north arrow is black at the top right"


def test_round_scale_lengths() -> None:
    assert nice_scale_length(1.0) == 100
    assert nice_scale_length(5.0) == 500
    assert nice_scale_length(30.0) == 2000


def test_load_reads_the_village_through_the_task_runner(map_widget, demo_db: Database) -> None:
    with demo_db.session() as session:
        village = first_village(session)
    map_widget.load(demo_db, village.id, ImmediateTaskRunner())
    assert map_widget.title.text().startswith(village.name)
    map_widget.load(demo_db, "no-such-village", ImmediateTaskRunner())
    assert "找不到" in map_widget.title.text()


def test_a_village_without_a_committee_is_centred_on_its_households(
    map_widget, village_data: VillageMap
) -> None:
    from dataclasses import replace

    map_widget.show_village(replace(village_data, committee=None))
    assert "没有村委会位置" in map_widget.title.text()
    assert len(map_widget.view.household_items) == len(village_data.located)


# --- offline tiles -------------------------------------------------------------------------------


def png_tile(label: str) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(TILE_COLOUR)
    painter = QPainter(image)
    painter.setPen(QColor("#7a9a70"))
    painter.drawRect(0, 0, 255, 255)
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def make_mbtiles(path: Path, data: VillageMap, zooms: tuple[int, ...] = (13, 14, 15)) -> int:
    lats = [h.latitude for h in data.located]
    lons = [h.longitude for h in data.located]
    south, north, west, east = (
        min(lats) - 0.02,
        max(lats) + 0.02,
        min(lons) - 0.02,
        max(lons) + 0.02,
    )
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)"
    )
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "略阳县"), ("format", "png")])
    count = 0
    for zoom in zooms:
        for x, y in tiles_covering(south, west, north, east, zoom):
            tms = 2**zoom - 1 - y
            db.execute(
                "INSERT INTO tiles VALUES (?, ?, ?, ?)", (zoom, x, tms, png_tile(f"{zoom}/{x}/{y}"))
            )
            count += 1
    db.commit()
    db.close()
    return count


def test_an_mbtiles_file_in_the_data_folder_is_drawn_underneath(
    map_widget, village_data: VillageMap, tmp_path: Path
) -> None:
    path = tmp_path / "略阳县.mbtiles"
    assert make_mbtiles(path, village_data) > 0
    assert find_mbtiles(tmp_path) == path
    tiles = MBTiles(path)
    committee = village_data.committee
    x, y = tile_xy(committee.latitude, committee.longitude, 15)
    assert tiles.tile(15, x, y) is not None and tiles.metadata["name"] == "略阳县"
    tiles.close()

    map_widget.show_village(village_data, path)
    view = map_widget.view
    assert view.tile_items and view.tile_zoom in (13, 14, 15)
    assert "略阳县.mbtiles" in map_widget.tiles_note.text()
    image = view.viewport().grab().toImage()
    # a spot away from dots and overlays shows the tile colour, not the plain background
    corner = image.pixelColor(image.width() // 2, 8)
    assert (
        abs(corner.green() - TILE_COLOUR.green()) < 12
        and abs(corner.red() - TILE_COLOUR.red()) < 12
    )
    view.grab().save(str(tmp_path / "with-tiles.png"))


def test_a_broken_mbtiles_file_is_reported_and_the_map_still_draws(
    map_widget, village_data: VillageMap, tmp_path: Path
) -> None:
    path = tmp_path / "broken.mbtiles"
    path.write_bytes(b"not a database at all" * 100)
    map_widget.show_village(village_data, path)
    assert "无法读取离线地图" in map_widget.tiles_note.text()
    assert not map_widget.view.tile_items and map_widget.view.household_items


def test_a_screenshot_of_the_village_map(map_widget, village_data: VillageMap) -> None:
    map_widget.show_village(village_data)
    image = map_widget.grab()
    assert image.width() >= 900
    assert image.save(str(SCREENSHOT))
