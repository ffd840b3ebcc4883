"""Offline map tiles from an MBTiles file (SQLite with a ``tiles`` table) in the data folder.

Only reading: ``MBTiles.tile(z, x, y)`` gives the image bytes of a tile in the usual XYZ
numbering (MBTiles stores rows TMS-style, flipped); ``tiles_covering`` lists the tiles over an
area. Web Mercator tile maths lives here; the view places each tile by its corners.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_MERCATOR_LAT = 85.05112878


@dataclass(frozen=True, slots=True)
class TileBounds:
    """A tile's corners in degrees."""

    north: float
    south: float
    west: float
    east: float


def tile_xy(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    """The XYZ tile holding the point at ``zoom``."""
    lat = max(-MAX_MERCATOR_LAT, min(MAX_MERCATOR_LAT, lat))
    n = 2**zoom
    x = int((lon + 180.0) / 360.0 * n)
    rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_bounds(zoom: int, x: int, y: int) -> TileBounds:
    """The corners of XYZ tile (zoom, x, y)."""
    n = 2**zoom

    def lat_of(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return TileBounds(
        north=lat_of(y),
        south=lat_of(y + 1),
        west=x / n * 360.0 - 180.0,
        east=(x + 1) / n * 360.0 - 180.0,
    )


def tiles_covering(
    south: float, west: float, north: float, east: float, zoom: int
) -> Iterator[tuple[int, int]]:
    """The XYZ tiles (x, y) over a box at ``zoom``."""
    x0, y0 = tile_xy(north, west, zoom)
    x1, y1 = tile_xy(south, east, zoom)
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            yield x, y


class MBTilesError(OSError):
    """The file is not a readable MBTiles file."""


class MBTiles:
    """A read-only MBTiles file. Open it in the thread that reads it (SQLite connections are
    per thread)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            zooms = self._db.execute("SELECT DISTINCT zoom_level FROM tiles").fetchall()
        except sqlite3.Error as exc:
            raise MBTilesError(f"无法读取离线地图 {self.path.name}: {exc}") from exc
        self.zooms: tuple[int, ...] = tuple(sorted(z for (z,) in zooms))
        self.metadata = self._read_metadata()

    def _read_metadata(self) -> dict[str, str]:
        try:
            return {str(k): str(v) for k, v in self._db.execute("SELECT name, value FROM metadata")}
        except sqlite3.Error:
            return {}

    def close(self) -> None:
        self._db.close()

    def tile(self, zoom: int, x: int, y: int) -> bytes | None:
        """The image bytes of XYZ tile (zoom, x, y), or None when the file has no such tile."""
        tms_row = (2**zoom - 1) - y
        row = self._db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (zoom, x, tms_row),
        ).fetchone()
        return bytes(row[0]) if row else None

    def best_zoom(
        self, south: float, west: float, north: float, east: float, max_tiles: int
    ) -> int | None:
        """The deepest zoom in the file that covers the box with at most ``max_tiles`` tiles."""
        best = None
        for zoom in self.zooms:
            x0, y0 = tile_xy(north, west, zoom)
            x1, y1 = tile_xy(south, east, zoom)
            if (x1 - x0 + 1) * (y1 - y0 + 1) <= max_tiles:
                best = zoom
        return best


def find_mbtiles(folder: str | Path) -> Path | None:
    """The first ``.mbtiles`` file in the data folder (by name), if any."""
    root = Path(folder)
    if not root.is_dir():
        return None
    found = sorted(root.glob("*.mbtiles"))
    return found[0] if found else None
