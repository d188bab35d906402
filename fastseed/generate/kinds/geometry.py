"""Spatial values: WKT for MySQL/MariaDB/SQLite, PostgreSQL's geometric types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from fastseed.generate import hashing as h
from fastseed.generate.kinds.base import BuilderBase, ColumnGen, Values

Point = tuple[float, float]


def _wkt_point(a: Point, b: Point, c: Point) -> str:
    return f"POINT({a[0]} {a[1]})"


def _ring(a: Point, b: Point, c: Point) -> str:
    """A closed triangle; a degenerate (collinear) one is still a valid polygon for MySQL."""
    return ", ".join(f"{x} {y}" for x, y in (a, b, c, a))


_WKT: dict[str, Callable[[Point, Point, Point], str]] = {
    "point": _wkt_point,
    "geometry": _wkt_point,
    "linestring": lambda a, b, c: f"LINESTRING({a[0]} {a[1]}, {b[0]} {b[1]})",
    "polygon": lambda a, b, c: f"POLYGON(({_ring(a, b, c)}))",
    "multipoint": lambda a, b, c: f"MULTIPOINT({a[0]} {a[1]}, {b[0]} {b[1]})",
    "multilinestring": lambda a, b, c: f"MULTILINESTRING(({a[0]} {a[1]}, {b[0]} {b[1]}))",
    "multipolygon": lambda a, b, c: f"MULTIPOLYGON((({_ring(a, b, c)})))",
    "geometrycollection": lambda a, b, c: f"GEOMETRYCOLLECTION(POINT({a[0]} {a[1]}))",
    "geomcollection": lambda a, b, c: f"GEOMETRYCOLLECTION(POINT({a[0]} {a[1]}))",
}


_SHAPES: dict[str, Callable[[Point, Point, Point], Any]] = {
    "point": lambda a, b, c: a,
    # a x + b y + c = 0 through two points; a vertical offset keeps it from being degenerate
    "line": lambda a, b, c: (b[1] - a[1], a[0] - b[0] - 1.0, a[1] * (b[0] + 1.0) - a[0] * b[1]),
    "lseg": lambda a, b, c: (a, b),
    "box": lambda a, b, c: (a, b),
    "path": lambda a, b, c: (a, b, c),
    "polygon": lambda a, b, c: (a, b, c),
    "circle": lambda a, b, c: (a, abs(b[1]) / 10 + 0.5),
}


class Geometry(BuilderBase):
    """Geometry and shape columns."""

    def _lon_lat(self, idx: h.I64, salt: int = 0) -> list[tuple[float, float]]:
        lon = self._u(idx, 1 + 2 * salt) * 360 - 180
        lat = self._u(idx, 2 + 2 * salt) * 180 - 90
        return list(zip(np.round(lon, 6).tolist(), np.round(lat, 6).tolist(), strict=True))

    def _kind_geometry(self) -> ColumnGen:
        """WKT of the column's geometry type (MySQL/MariaDB spatial types, SQLite text)."""
        shape = self.type.sql.split("(")[0].strip().lower()
        make = _WKT.get(shape, _wkt_point)

        def fn(idx: h.I64) -> Values:
            points = [self._lon_lat(idx, k) for k in range(3)]
            return [make(*corner) for corner in zip(*points, strict=True)]

        return ColumnGen(fn, f"WKT {shape if shape in _WKT else 'point'}")

    def _kind_shape(self) -> ColumnGen:
        """PostgreSQL's own geometric types, as the tuples asyncpg's encoders take."""
        shape = self.type.sql.lower()
        make = _SHAPES.get(shape)
        if make is None:
            return ColumnGen(lambda idx: [None] * len(idx), f"unsupported type {shape}", 0)

        def fn(idx: h.I64) -> Values:
            points = [self._lon_lat(idx, k) for k in range(3)]
            return [make(*corner) for corner in zip(*points, strict=True)]

        return ColumnGen(fn, shape)
