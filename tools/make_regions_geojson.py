"""Write the console's schematic map of Uzbekistan's regions (no data download needed).

The shapes are *schematic*: a simplified national outline (about 60 points, traced by hand
from general geographic knowledge) cut into regions as Voronoi cells around each region's
centre and a few extra seed points that give the large regions their extent; Tashkent city
is a small polygon of its own. It is good for placing cameras on an air-gapped console, not
for surveying. Run ``python tools/make_regions_geojson.py > src/platewarden/web/static/
uzbekistan-regions.geojson``; the output is deterministic.
"""

from __future__ import annotations

import json
import math

# (longitude, latitude), clockwise from the north-west corner on the Ustyurt plateau.
OUTLINE = [
    (56.0, 45.0), (57.5, 45.3), (58.6, 45.6), (59.3, 45.2), (60.2, 44.8), (61.1, 44.3),
    (62.0, 43.5), (63.2, 43.6), (64.4, 43.6), (65.3, 43.3), (65.8, 42.9), (66.1, 42.3),
    (66.0, 42.0), (66.6, 41.9), (67.3, 41.4), (67.9, 41.1), (68.3, 40.7), (68.6, 40.7),
    (68.9, 41.1), (69.1, 41.4), (69.4, 41.5), (70.0, 41.9), (70.5, 42.1), (70.9, 42.2),
    (71.2, 42.0), (70.8, 41.6), (70.6, 41.3), (71.1, 41.2), (71.7, 41.5), (72.2, 41.2),
    (72.8, 41.1), (73.1, 40.8), (72.8, 40.5), (72.3, 40.3), (71.8, 40.2), (71.2, 40.1),
    (70.6, 40.2), (70.3, 40.5), (70.5, 40.9), (70.1, 40.9), (69.6, 40.7), (69.3, 40.3),
    (68.7, 40.1), (68.3, 39.6), (67.7, 39.5), (67.4, 39.2), (68.0, 39.0), (68.1, 38.6),
    (68.2, 38.2), (67.9, 37.6), (67.8, 37.2), (67.3, 37.2), (66.6, 37.3), (66.5, 38.0),
    (65.6, 38.3), (64.4, 38.9), (63.4, 39.6), (62.4, 40.0), (62.0, 40.6), (61.3, 41.1),
    (60.4, 41.2), (60.0, 41.3), (59.2, 41.4), (58.5, 42.2), (57.8, 42.0), (57.0, 41.3),
    (56.0, 41.3),
]
# code: (names in uz, ru, en; plate region codes; seed points (lon, lat), the centre first)
REGIONS: dict[str, tuple[str, str, str, str, list[tuple[float, float]]]] = {
    "karakalpakstan": ("Qoraqalpog\u02bbiston", "Каракалпакстан", "Karakalpakstan", "95-99",
                       [(59.6, 42.5), (57.5, 43.5), (57.2, 44.6), (60.0, 44.0), (61.5, 43.0)]),
    "khorezm": ("Xorazm", "Хорезм", "Khorezm", "90-94", [(60.6, 41.55)]),
    "navoiy": ("Navoiy", "Навои", "Navoiy", "85-89",
               [(65.4, 40.1), (64.5, 42.3), (63.0, 42.8), (65.0, 41.3)]),
    "bukhara": ("Buxoro", "Бухара", "Bukhara", "80-84",
                [(64.4, 39.8), (63.0, 40.3), (62.6, 41.0), (64.0, 40.6)]),
    "samarkand": ("Samarqand", "Самарканд", "Samarkand", "30-39", [(66.9, 39.65), (66.2, 39.9)]),
    "kashkadarya": ("Qashqadaryo", "Кашкадарья", "Kashkadarya", "70-74",
                    [(65.8, 38.85), (66.6, 38.5), (65.3, 38.6)]),
    "surkhandarya": ("Surxondaryo", "Сурхандарья", "Surkhandarya", "75-79",
                     [(67.5, 37.8), (67.4, 38.3)]),
    "jizzakh": ("Jizzax", "Джизак", "Jizzakh", "25-29", [(67.85, 40.1), (67.0, 40.7)]),
    "sirdaryo": ("Sirdaryo", "Сырдарья", "Sirdaryo", "20-24", [(68.75, 40.5)]),
    "tashkent-region": ("Toshkent viloyati", "Ташкентская область", "Tashkent region", "10-19",
                        [(69.6, 41.0), (70.1, 41.5), (69.2, 41.2)]),
    "namangan": ("Namangan", "Наманган", "Namangan", "50-59", [(71.6, 41.0)]),
    "andijan": ("Andijon", "Андижан", "Andijan", "60-69", [(72.5, 40.75)]),
    "fergana": ("Farg\u02bbona", "Фергана", "Fergana", "40-49", [(71.5, 40.4), (70.8, 40.45)]),
}
TASHKENT_CITY = ("tashkent-city", "Toshkent shahri", "Ташкент", "Tashkent city", "01-09",
                 (69.27, 41.31), 0.13)
COS = math.cos(math.radians(41.0))  # east-west distances shrink at this latitude


def _side(point: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    # Positive where ``point`` is nearer ``a`` than ``b`` (longitudes scaled to kilometres).
    ax, bx, px = a[0] * COS, b[0] * COS, point[0] * COS
    return ((bx - ax) * (px - (ax + bx) / 2) + (b[1] - a[1]) * (point[1] - (a[1] + b[1]) / 2)) * -1


def _clip(polygon: list[tuple[float, float]], a: tuple[float, float],
          b: tuple[float, float]) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the part of ``polygon`` nearer ``a`` than ``b``."""
    out: list[tuple[float, float]] = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        s_cur, s_prev = _side(current, a, b), _side(previous, a, b)
        if (s_cur >= 0) != (s_prev >= 0):
            t = s_prev / (s_prev - s_cur)
            out.append((previous[0] + t * (current[0] - previous[0]),
                        previous[1] + t * (current[1] - previous[1])))
        if s_cur >= 0:
            out.append(current)
    return out


def cells() -> dict[str, list[list[tuple[float, float]]]]:
    """Each region's polygons: the outline's Voronoi cells of its seed points."""
    seeds = [(code, point) for code, region in REGIONS.items() for point in region[4]]
    found: dict[str, list[list[tuple[float, float]]]] = {code: [] for code in REGIONS}
    for code, point in seeds:
        polygon = OUTLINE[:-1]
        for _, other in seeds:
            if other != point and polygon:
                polygon = _clip(polygon, point, other)
        if len(polygon) >= 3:
            found[code].append(polygon)
    return found


def _ring(points: list[tuple[float, float]]) -> list[list[float]]:
    ring = [[round(x, 3), round(y, 3)] for x, y in points]
    return [*ring, ring[0]]


def feature(code: str, names: tuple[str, str, str], plates: str,
            polygons: list[list[tuple[float, float]]]) -> dict[str, object]:
    return {"type": "Feature",
            "properties": {"id": code, "name_uz": names[0], "name_ru": names[1],
                           "name_en": names[2], "plate_codes": plates},
            "geometry": {"type": "MultiPolygon", "coordinates": [[_ring(p)] for p in polygons]}}


def main() -> None:
    features = [feature(code, region[:3], region[3], polygons)
                for code, polygons in cells().items() for region in [REGIONS[code]]]
    code, uz, ru, en, plates, (lon, lat), radius = TASHKENT_CITY
    circle = [(lon + radius * math.cos(a) / COS, lat + radius * math.sin(a))
              for a in (2 * math.pi * k / 16 for k in range(16))]
    features.append(feature(code, (uz, ru, en), plates, [circle]))
    print(json.dumps({"type": "FeatureCollection",
                      "properties": {"note": "Schematic regions for the console map, not "
                                             "survey boundaries; see tools/"
                                             "make_regions_geojson.py."},
                      "features": features}, ensure_ascii=False, separators=(",", ":")))


if __name__ == "__main__":
    main()
