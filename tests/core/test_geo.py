"""The gazetteer of Chinese cities and great-circle distances, in Python and in SQL."""

import pytest
from django.utils import translation

from jiedan.core import geo
from jiedan.projects.models import Project
from tests.projects.factories import ProjectFactory


@pytest.mark.parametrize(
    "name",
    ["杭州", "杭州市", " 杭州 ", "Hangzhou", "hangzhou", "HANGZHOU", "Hang Zhou", "Hangzhou City"],
)
def test_city_found_by_chinese_or_english_name_with_or_without_suffix(name):
    city = geo.city_lookup(name)
    assert city is not None and city.name_zh == "杭州市"


@pytest.mark.parametrize(
    ("name", "official"),
    [
        ("北京", "北京市"),
        ("天津市", "天津市"),
        ("Shanghai", "上海市"),
        ("重庆", "重庆市"),
        ("Xi'an", "西安市"),
        ("xian", "西安市"),
        ("延边", "延边朝鲜族自治州"),
        ("延边朝鲜族自治州", "延边朝鲜族自治州"),
        ("Hohhot", "呼和浩特市"),
        ("Huhehaote", "呼和浩特市"),
        ("香港", "香港特别行政区"),
        ("Hong Kong", "香港特别行政区"),
        ("澳门", "澳门特别行政区"),
        ("Macao", "澳门特别行政区"),
        ("台北", "台北市"),
        ("Taipei", "台北市"),
        ("ＢＥＩＪＩＮＧ", "北京市"),
    ],
)
def test_municipalities_special_regions_and_english_spellings(name, official):
    assert geo.city_lookup(name).name_zh == official


@pytest.mark.parametrize("name", ["", "   ", "市", "Atlantis", "北京省", "杭"])
def test_unknown_names_are_not_guessed(name):
    assert geo.city_lookup(name) is None


def test_gazetteer_covers_every_prefecture_level_division():
    cities = geo.cities()
    codes = [city.code for city in cities]
    assert len(cities) >= 340  # 333 prefecture-level divisions, 4 municipalities, HK, Macau, …
    assert len(set(codes)) == len(codes)
    assert len({city.name_zh for city in cities}) == len(cities)
    for city in cities:
        assert 3 <= city.latitude <= 54 and 73 <= city.longitude <= 135, city
        assert city.short_zh and city.name_en
    assert {"拉萨市", "三沙市", "克拉玛依市", "大兴安岭地区", "阿拉善盟"} <= {
        city.name_zh for city in cities
    }


def test_city_name_follows_the_language():
    city = geo.city_lookup("广州")
    with translation.override("en"):
        assert city.name == "Guangzhou"
    with translation.override("zh-hans"):
        assert str(city) == "广州"


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("北京", "天津", 105, 120),
        ("北京", "上海", 1050, 1100),
        ("广州", "深圳", 95, 115),
        ("香港", "澳门", 55, 70),
        ("北京", "北京", 0, 0),
    ],
)
def test_distances_between_cities(a, b, low, high):
    distance = geo.city_distance_km(geo.city_lookup(a), geo.city_lookup(b))
    assert low <= distance <= high
    assert geo.city_distance_km(geo.city_lookup(b), geo.city_lookup(a)) == pytest.approx(distance)


def test_antipodes_do_not_break_the_formula():
    assert geo.haversine_km(0, 0, 0, 180) == pytest.approx(geo.EARTH_RADIUS_KM * 3.14159, rel=1e-3)


def test_bounding_box_holds_every_point_within_the_distance():
    beijing = geo.city_lookup("北京")
    box = geo.bounding_box(beijing.latitude, beijing.longitude, 300)
    for city in geo.cities():
        if geo.city_distance_km(beijing, city) <= 300:
            assert box.min_latitude <= city.latitude <= box.max_latitude
            assert box.min_longitude <= city.longitude <= box.max_longitude
    polar = geo.bounding_box(89.5, 10, 200)
    assert polar.min_longitude is None and polar.max_longitude is None


@pytest.mark.django_db
def test_sql_distance_matches_python():
    # given projects placed in three cities
    places = [geo.city_lookup(name) for name in ("上海", "北京", "天津")]
    for city in places:
        ProjectFactory(
            work_mode="local",
            city=city.short_zh,
            radius_km=5,
            latitude=city.latitude,
            longitude=city.longitude,
        )
    beijing = places[1]
    # when the database computes the distance from Beijing
    rows = (
        Project.objects.annotate(
            km=geo.haversine_km_expression("latitude", "longitude", city=beijing)
        )
        .order_by("km")
        .values_list("city", "km")
    )
    # then it agrees with Python
    assert [city for city, _km in rows] == ["北京", "天津", "上海"]
    for city, km in rows:
        expected = geo.city_distance_km(beijing, geo.city_lookup(city))
        assert km == pytest.approx(expected, abs=0.01), city
