"""The village map: households around their committee at true scale, with no network.

``VillageMapView`` is a ``QGraphicsView`` whose scene is in metres (x east, y south, the origin
at the village committee or, without one, at the households' centre; a local equirectangular
projection, exact to about a metre over a village). Households are dots coloured by status —
hollow when located by the Q19 fallback — and the committee a square; the scale bar and north
arrow are drawn over the viewport. Clicking a dot emits ``householdClicked(id)``. When an MBTiles
file lies in the data folder, its tiles are drawn underneath, each placed by its corners.

``VillageMapWidget`` puts the view beside a legend and the list of households without a location
(double-click one to open it); ``load`` reads the village through the task runner.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.geo import LocalProjection
from desktop.domain.location_rules import FALLBACK_SOURCES, source_label
from desktop.location.mbtiles import (
    MBTiles,
    MBTilesError,
    find_mbtiles,
    tile_bounds,
    tiles_covering,
)
from desktop.location.queries import MapHousehold, VillageMap, village_map
from desktop.ui.code_labels import ui_code_table
from desktop.ui.errors import error_text
from desktop.ui.style import apply_readable_font
from desktop.ui.tasks import TaskRunner, in_session

if TYPE_CHECKING:
    from desktop.store.db import Database

STATUS_COLOURS = {
    "poor": QColor("#d7301f"),
    "exited": QColor("#f28e2b"),
    "exited_stable": QColor("#1a9850"),
    "ordinary": QColor("#4575b4"),
}
OTHER_COLOUR = QColor("#777777")
COMMITTEE_COLOUR = QColor("#222222")
DOT_PX = 11.0
HOUSEHOLD_ROLE = 0  # QGraphicsItem.data key holding the household id
MAX_TILES = 64
NICE_LENGTHS_M = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)


def status_colour(status: str) -> QColor:
    """The dot colour of a household status."""
    return STATUS_COLOURS.get(status, OTHER_COLOUR)


def nice_scale_length(metres_per_pixel: float, max_pixels: float = 140.0) -> float:
    """The longest round length (1, 2, 5 × 10ⁿ m) that fits in ``max_pixels``."""
    best = NICE_LENGTHS_M[0]
    for length in NICE_LENGTHS_M:
        if length / metres_per_pixel <= max_pixels:
            best = length
    return float(best)


class VillageMapView(QGraphicsView):
    """The households of one village drawn to scale around its committee."""

    householdClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QColor("#f4f1ea"))
        self.setMinimumSize(360, 300)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.data: VillageMap | None = None
        self.projection: LocalProjection | None = None
        self.household_items: dict[str, QGraphicsItem] = {}
        self.tile_items: list[QGraphicsPixmapItem] = []
        self.tile_zoom: int | None = None

    # --- content -------------------------------------------------------------------------------

    def set_map(self, data: VillageMap, tiles: MBTiles | None = None) -> None:
        """Draw ``data`` (and the tiles of ``tiles`` underneath, when given)."""
        scene = self.scene()
        scene.clear()
        self.household_items.clear()
        self.tile_items.clear()
        self.tile_zoom = None
        self.data = data
        origin = data.committee
        if origin is None and data.located:
            lat = sum(h.latitude or 0.0 for h in data.located) / len(data.located)
            lon = sum(h.longitude or 0.0 for h in data.located) / len(data.located)
            self.projection = LocalProjection(lat, lon)
        elif origin is not None:
            self.projection = LocalProjection(origin.latitude, origin.longitude)
        else:
            self.projection = None
            self.resetTransform()
            return
        extent = QRectF(-100, -100, 200, 200)
        for household in data.located:
            x, y = self._scene_xy(household.latitude or 0.0, household.longitude or 0.0)
            extent = extent.united(QRectF(x - 1, y - 1, 2, 2))
            self._add_household(household, x, y)
        if data.committee is not None:
            self._add_committee()
        extent = extent.adjusted(-80, -80, 80, 80)
        # Room to pan: the scene is three times the households' extent each way.
        room = extent.adjusted(-extent.width(), -extent.height(), extent.width(), extent.height())
        if tiles is not None:
            self._add_tiles(tiles, room)
        scene.setSceneRect(room)
        self.resetTransform()
        self.fitInView(extent, Qt.AspectRatioMode.KeepAspectRatio)

    def _scene_xy(self, lat: float, lon: float) -> tuple[float, float]:
        assert self.projection is not None
        east, north = self.projection.to_metres(lat, lon)
        return east, -north

    def _add_household(self, household: MapHousehold, x: float, y: float) -> None:
        colour = status_colour(household.status)
        item = QGraphicsEllipseItem(-DOT_PX / 2, -DOT_PX / 2, DOT_PX, DOT_PX)
        item.setPos(x, y)
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        fallback = household.location_source in FALLBACK_SOURCES
        if fallback:
            item.setBrush(QBrush(Qt.BrushStyle.NoBrush))
            item.setPen(QPen(colour, 2.0))
        else:
            item.setBrush(QBrush(colour))
            item.setPen(QPen(QColor("white"), 1.2))
        item.setZValue(10 if not fallback else 9)
        item.setData(HOUSEHOLD_ROLE, household.id)
        item.setCursor(Qt.CursorShape.PointingHandCursor)
        status = ui_code_table("status").label(household.status) or household.status
        accuracy = (
            ""
            if household.accuracy_m is None
            else self.tr(", 精度约 {0:g} 米").format(household.accuracy_m)
        )
        item.setToolTip(
            f"{household.household_number} {household.head_name or ''}\n{status}\n"
            f"{source_label(household.location_source)}{accuracy}"
        )
        self.scene().addItem(item)
        self.household_items[household.id] = item

    def _add_committee(self) -> None:
        size = DOT_PX + 3
        square = QGraphicsRectItem(-size / 2, -size / 2, size, size)
        square.setBrush(QBrush(QColor("#ffd600")))
        square.setPen(QPen(COMMITTEE_COLOUR, 2.0))
        square.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        square.setZValue(20)
        square.setToolTip(self.tr("村委会"))
        self.scene().addItem(square)
        label = QGraphicsSimpleTextItem(self.tr("村委会"))
        font = QFont(self.font())
        font.setBold(True)
        label.setFont(font)
        label.setBrush(QBrush(COMMITTEE_COLOUR))
        label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        label.setZValue(21)
        # Offset in screen pixels: a child of the square keeps it beside the marker at any zoom.
        label.setParentItem(square)
        label.setPos(size / 2 + 3, -label.boundingRect().height() / 2)
        self.committee_item = square

    def _add_tiles(self, tiles: MBTiles, extent: QRectF) -> None:
        assert self.projection is not None
        north_lat, west_lon = self.projection.to_degrees(extent.left(), -extent.top())
        south_lat, east_lon = self.projection.to_degrees(extent.right(), -extent.bottom())
        zoom = tiles.best_zoom(south_lat, west_lon, north_lat, east_lon, MAX_TILES)
        if zoom is None:
            return
        self.tile_zoom = zoom
        for x, y in tiles_covering(south_lat, west_lon, north_lat, east_lon, zoom):
            data = tiles.tile(zoom, x, y)
            if data is None:
                continue
            image = QImage.fromData(data)
            if image.isNull():
                continue
            bounds = tile_bounds(zoom, x, y)
            left, top = self._scene_xy(bounds.north, bounds.west)
            right, bottom = self._scene_xy(bounds.south, bounds.east)
            item = QGraphicsPixmapItem(QPixmap.fromImage(image))
            item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
            item.setPos(left, top)
            item.setTransform(
                item.transform().scale(
                    (right - left) / image.width(), (bottom - top) / image.height()
                )
            )
            item.setZValue(-10)
            self.scene().addItem(item)
            self.tile_items.append(item)

    # --- interaction ---------------------------------------------------------------------------

    def household_at(self, view_pos: QPointF) -> str | None:
        """The household id of the dot under a viewport position, if any."""
        for item in self.items(view_pos.toPoint()):
            hid = item.data(HOUSEHOLD_ROLE)
            if hid:
                return str(hid)
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            hid = self.household_at(event.position())
            if hid is not None:
                self.householdClicked.emit(hid)
                event.accept()
                return
        super().mousePressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            factor = 1.25**steps
            scale = self.metres_per_pixel()
            if scale is not None and not (scale / factor < 0.05 or scale / factor > 500):
                self.scale(factor, factor)
        event.accept()

    def metres_per_pixel(self) -> float | None:
        """The current scale (the scene is in metres)."""
        m11 = self.transform().m11()
        return 1.0 / m11 if m11 > 0 else None

    # --- overlay ---------------------------------------------------------------------------------

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        scale = self.metres_per_pixel()
        if self.data is None or self.projection is None or scale is None:
            return
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        painter.setFont(font)
        self._draw_scale_bar(painter, scale)
        self._draw_north_arrow(painter)
        painter.restore()

    def _draw_scale_bar(self, painter: QPainter, metres_per_pixel: float) -> None:
        length_m = nice_scale_length(metres_per_pixel)
        pixels = length_m / metres_per_pixel
        margin = 16
        height = self.viewport().height()
        x0, y0 = margin, height - margin - 6
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.drawRect(QRectF(x0 - 6, y0 - 28, pixels + 12, 40))
        painter.setBrush(QColor("black"))
        half = pixels / 2
        painter.drawRect(QRectF(x0, y0, half, 6))
        painter.setBrush(QColor("white"))
        painter.setPen(QPen(QColor("black"), 1))
        painter.drawRect(QRectF(x0 + half, y0, half, 6))
        painter.setPen(QColor("black"))
        if length_m >= 1000:
            text = self.tr("{0:g} 公里").format(length_m / 1000)
        else:
            text = self.tr("{0:g} 米").format(length_m)
        painter.drawText(QRectF(x0, y0 - 26, pixels + 60, 22), Qt.AlignmentFlag.AlignLeft, text)
        self.scale_text = text

    def _draw_north_arrow(self, painter: QPainter) -> None:
        width = self.viewport().width()
        cx, top = width - 34, 14
        arrow = QPolygonF(
            [
                QPointF(cx, top),
                QPointF(cx + 11, top + 34),
                QPointF(cx, top + 26),
                QPointF(cx - 11, top + 34),
            ]
        )
        painter.setPen(QPen(QColor("black"), 1.2))
        painter.setBrush(QColor("black"))
        path = QPainterPath()
        path.addPolygon(arrow)
        painter.drawPath(path)
        painter.drawText(
            QRectF(cx - 20, top + 34, 40, 22), Qt.AlignmentFlag.AlignCenter, self.tr("北")
        )


class VillageMapWidget(QWidget):
    """The map with its legend and the households that have no location yet."""

    householdActivated = Signal(str)
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_readable_font(self)
        self.view = VillageMapView()
        self.view.householdClicked.connect(self.householdActivated)
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.legend = QLabel(self._legend_html())
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.missing_title = QLabel()
        self.missing = QListWidget()
        self.missing.itemActivated.connect(self._missing_activated)
        self.tiles_note = QLabel()
        self.tiles_note.setWordWrap(True)
        self._tiles: MBTiles | None = None
        self._generation = 0

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.legend)
        side_layout.addWidget(self.missing_title)
        side_layout.addWidget(self.missing, 1)
        side_layout.addWidget(self.tiles_note)
        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        side.setMaximumWidth(380)
        splitter.setSizes([700, 300])
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)

    def _legend_html(self) -> str:
        statuses = ui_code_table("status")
        rows = [
            f'<span style="color:{colour.name()}">●</span> {statuses.label(code)}'
            for code, colour in STATUS_COLOURS.items()
        ]
        rows.append("○ " + self.tr("原住址/村委会位置 (整户长期外出)"))
        rows.append('<span style="color:#c8a600">■</span> ' + self.tr("村委会"))
        return "<br>".join(rows)

    def show_village(self, data: VillageMap, tiles_path: Path | None = None) -> None:
        """Show a village; ``tiles_path`` is an MBTiles file to draw underneath (optional)."""
        tiles = None
        self.tiles_note.clear()
        if tiles_path is not None:
            try:
                tiles = MBTiles(tiles_path)
            except MBTilesError as exc:
                self.tiles_note.setText(str(exc))
        self.title.setText(
            self.tr("{0}  已定位 {1} 户, 未定位 {2} 户").format(
                data.name, len(data.located), len(data.unlocated)
            )
            + ("" if data.committee is not None else self.tr("  (没有村委会位置)"))
        )
        try:
            self.view.set_map(data, tiles)
        finally:
            if tiles is not None:
                if self.view.tile_items:
                    name = tiles_path.name if tiles_path else ""
                    self.tiles_note.setText(self.tr("底图: {0}").format(name))
                tiles.close()
        self.missing_title.setText(self.tr("没有位置的户 ({0})").format(len(data.unlocated)))
        self.missing.clear()
        for household in data.unlocated:
            status = ui_code_table("status").label(household.status) or household.status
            item = QListWidgetItem(
                f"{household.household_number}  {household.head_name or ''}  {status}"
            )
            item.setData(Qt.ItemDataRole.UserRole, household.id)
            self.missing.addItem(item)
        self.loaded.emit()

    def load(
        self,
        db: Database,
        village_id: str,
        runner: TaskRunner,
        *,
        data_folder: Path | None = None,
    ) -> None:
        """Read the village in the background and show it; an MBTiles file in ``data_folder`` is
        drawn underneath."""
        self._generation += 1
        generation = self._generation
        tiles_path = find_mbtiles(data_folder) if data_folder is not None else None

        def done(data: VillageMap | None) -> None:
            if generation != self._generation:
                return  # a newer village was asked for
            if data is None:
                self.title.setText(self.tr("找不到这个行政村"))
                return
            self.show_village(data, tiles_path)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self.title.setText(
                    self.tr("无法读取村地图: {0}").format(
                        error_text("reading the village map", error)
                    )
                )

        runner.run(in_session(db, village_map, village_id), on_done=done, on_error=failed)

    def _missing_activated(self, item: QListWidgetItem) -> None:
        hid = item.data(Qt.ItemDataRole.UserRole)
        if hid:
            self.householdActivated.emit(str(hid))
