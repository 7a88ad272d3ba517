"""Places and distances: the gazetteer of Chinese cities and great-circle distances.

The gazetteer (``data/cities.csv``, see ``data/README.md``) lists every prefecture-level city
and municipality, plus Hong Kong, Macau and Taipei, with the coordinates of the city centre.
``city_lookup`` finds a city by its Chinese name with or without 市 (or its full official name,
such as 延边朝鲜族自治州), or by its English or pinyin name in any case, with or without spaces,
apostrophes or a trailing "city". Distances are haversine on a sphere of radius 6371 km, which
is close enough for "within N km" between city centres.
"""

import csv
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

from .i18n import localized

CITIES_FILE = Path(__file__).parent / "data" / "cities.csv"
EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180  # along a meridian, about 111.2 km
_NOT_IN_LATIN_NAMES = re.compile(r"[\s'’`\-.·]")


@dataclass(frozen=True)
class City:
    code: str  # the six-digit administrative division code
    name_zh: str  # official name, e.g. 北京市
    short_zh: str  # the name people use, e.g. 北京
    name_en: str
    latitude: float
    longitude: float

    @property
    def name(self) -> str:
        return localized(self.short_zh, self.name_en)

    def __str__(self):
        return self.name


def _key(name: str) -> str:
    """Lookup key: NFKC (full-width letters become ASCII), lower case, Latin names without
    spaces, apostrophes or a trailing "city"."""
    text = unicodedata.normalize("NFKC", name).strip().lower()
    if text.isascii():
        text = _NOT_IN_LATIN_NAMES.sub("", re.sub(r"\s+city$", "", text))
    return text


@cache
def _gazetteer() -> tuple[tuple[City, ...], dict[str, City]]:
    """All cities in code order and the index of their names. Where two cities share an
    English name (Suzhou, Fuzhou, …) the one with the lower code keeps it."""
    with CITIES_FILE.open(encoding="utf-8") as data:
        rows = list(csv.DictReader(data))
    cities = []
    index: dict[str, City] = {}
    for row in rows:
        city = City(
            code=row["adcode"],
            name_zh=row["name_zh"],
            short_zh=row["short_zh"],
            name_en=row["name_en"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
        )
        cities.append(city)
        aliases = [alias for alias in row["aliases"].split("|") if alias]
        for name in (city.name_zh, city.short_zh, city.name_en, *aliases):
            index.setdefault(_key(name), city)
    return tuple(cities), index


def cities() -> tuple[City, ...]:
    """Every city of the gazetteer, in administrative code order."""
    return _gazetteer()[0]


def city_lookup(name: str) -> City | None:
    """The city called ``name`` (杭州, 杭州市, Hangzhou, hang zhou, HANGZHOU CITY), or None."""
    key = _key(name)
    if not key:
        return None
    index = _gazetteer()[1]
    return index.get(key) or (index.get(key.removesuffix("市")) if key.endswith("市") else None)


def haversine_km(latitude1: float, longitude1: float, latitude2: float, longitude2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees."""
    phi1, phi2 = math.radians(latitude1), math.radians(latitude2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(longitude2 - longitude1) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def city_distance_km(a: City, b: City) -> float:
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


@dataclass(frozen=True)
class BoundingBox:
    """Every point within ``km`` of a centre lies inside; longitudes are None when the box
    would wrap around the antimeridian or a pole (then only latitude bounds)."""

    min_latitude: float
    max_latitude: float
    min_longitude: float | None
    max_longitude: float | None


def bounding_box(latitude: float, longitude: float, km: float) -> BoundingBox:
    delta_latitude = km / KM_PER_DEGREE
    farthest = abs(latitude) + delta_latitude
    min_longitude = max_longitude = None
    if farthest < 90:
        delta_longitude = km / (KM_PER_DEGREE * math.cos(math.radians(farthest)))
        if longitude - delta_longitude >= -180 and longitude + delta_longitude <= 180:
            min_longitude, max_longitude = longitude - delta_longitude, longitude + delta_longitude
    return BoundingBox(
        latitude - delta_latitude, latitude + delta_latitude, min_longitude, max_longitude
    )


def haversine_km_expression(latitude_field: str, longitude_field: str, *, city: City):
    """The same distance as ``haversine_km`` as a database expression (SQLite and PostgreSQL)
    from ``city`` to the point in the two fields, for filtering in SQL."""
    phi1 = math.radians(city.latitude)
    phi2 = Radians(F(latitude_field))
    half_dphi = (phi2 - Value(phi1)) / 2
    half_dlambda = (Radians(F(longitude_field)) - Value(math.radians(city.longitude))) / 2
    h = Power(Sin(half_dphi), 2) + Value(math.cos(phi1)) * Cos(phi2) * Power(Sin(half_dlambda), 2)
    return Value(2 * EARTH_RADIUS_KM) * ASin(
        Sqrt(Least(Value(1.0), h, output_field=FloatField())), output_field=FloatField()
    )
