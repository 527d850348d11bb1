"""Administrative areas as data (scoring/data/areas.json) and typed names matched to them."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from scoring import regions
from scoring.areas import DATA_FILE, AreaKind, InvalidAreaData, catalogue, match_key, parse, sort_key

# ISO 3166-2:KZ uses the regions' KATO prefixes.
ISO_PREFIXES = {"abai": "10", "akmola": "11", "aktobe": "15", "almaty_region": "19", "atyrau": "23",
                "west_kazakhstan": "27", "jambyl": "31", "jetisu": "33", "karaganda": "35", "kostanay": "39",
                "kyzylorda": "43", "mangystau": "47", "pavlodar": "55", "north_kazakhstan": "59",
                "turkistan": "61", "ulytau": "62", "east_kazakhstan": "63", "astana": "71", "almaty_city": "75",
                "shymkent": "79"}
KARAGANDA, TEMIRTAU, OSAKAROVKA = "351010000", "352410000", "355600000"


def document() -> dict[str, Any]:
    return copy.deepcopy(json.loads(DATA_FILE.read_text(encoding="utf-8")))


def test_every_region_with_its_kato_prefix_and_areas() -> None:
    c = catalogue()
    assert {r: code[:2] for r, code in c.region_codes.items()} == ISO_PREFIXES
    assert set(c.region_codes) == {r.id for r in regions.REGIONS}
    for region_id in ISO_PREFIXES:
        areas = c.of_region(region_id)
        assert areas, region_id
        assert all(a.code.startswith(ISO_PREFIXES[region_id]) and len(a.code) == 9 for a in areas)
    # The 2022 regions have their own districts and cities.
    assert {a.ru for a in c.of_region("ulytau")} == {"Жезказган", "Каражал", "Сатпаев", "Жанааркинский район",
                                                     "Улытауский район"}
    assert "Семей" in {a.ru for a in c.of_region("abai")} and "Талдыкорган" in {a.ru for a in c.of_region("jetisu")}
    # Cities of republican significance: their city districts.
    assert {a.kind for a in c.of_region("almaty_city")} == {AreaKind.CITY_DISTRICT}
    assert len(c.of_region("almaty_city")) == 8


def test_every_area_has_both_names_a_source_and_says_whether_it_is_verified() -> None:
    doc = document()
    assert "stat.gov.kz" in doc["about"] and set(doc["sources"]) == {a["source"] for a in doc["areas"]}
    for a in doc["areas"]:
        assert a["kk"] and a["ru"] and isinstance(a["verified"], bool)
    # What could not be confirmed is said so, not offered.
    assert all(entry["verified"] is False and entry["note"] for entry in doc["not_listed"])
    assert catalogue().get(KARAGANDA) is not None and catalogue().get(KARAGANDA).name("kk") == "Қарағанды"


@pytest.mark.parametrize("typed", ["Қарағанды", "г. Караганда", "Караганда", "город Караганды", "Қарағанды қаласы",
                                   "КАРАГАНДА", "  караганда  ", "Karaganda", "Qaraghandy"])
def test_spellings_of_one_city_are_one_area(typed: str) -> None:
    match = catalogue().match(typed, "karaganda")
    assert match.certain is not None and match.certain.code == KARAGANDA


@pytest.mark.parametrize("typed", ["Осакаровский район", "Осакаровский р-н", "Осақаров ауданы", "осакаров"])
def test_district_names_with_affixes_and_the_russian_adjective(typed: str) -> None:
    assert catalogue().match(typed, "karaganda").certain is not None
    assert catalogue().match(typed, "karaganda").certain.code == OSAKAROVKA  # type: ignore[union-attr]


def test_near_names_are_offered_never_certain() -> None:
    near = catalogue().match("Карагнда", "karaganda")  # a typo
    assert near.certain is None and [a.code for a in near.near] == [KARAGANDA]
    village = catalogue().match("Осакаровка", "karaganda")  # the district's centre
    assert village.certain is None and OSAKAROVKA in [a.code for a in village.candidates]


def test_nothing_matches_nonsense_too_short_text_or_another_region() -> None:
    assert catalogue().match("qwertyuiop", "karaganda").candidates == ()
    assert catalogue().match("Ка", "karaganda").candidates == ()
    assert catalogue().match("Темиртау", "astana").candidates == ()
    assert catalogue().match("Темиртау").certain is not None  # without a region: the whole country


def test_a_name_shared_by_several_regions_is_not_certain_without_the_region() -> None:
    everywhere = catalogue().match("Абайский район")
    assert len(everywhere.exact) == 3 and everywhere.certain is None
    assert catalogue().match("Абайский район", "karaganda").certain is not None


def test_sorted_in_the_readers_alphabet_cities_first() -> None:
    kk = [a.name("kk") for a in catalogue().for_choice("karaganda", "kk")]
    assert kk[:6] == ["Балқаш", "Қарағанды", "Приозерск", "Саран", "Теміртау", "Шахтинск"]
    assert kk[6:] == sorted(kk[6:], key=sort_key)
    # Kazakh letters right after their Russian neighbours: А < Ә < Б, К < Қ < Л; affixes aside.
    assert sort_key("Ақсу") < sort_key("Әйтеке би") < sort_key("Байзақ")
    assert sort_key("Кеген") < sort_key("Қарасай") < sort_key("Лисаков")
    assert sort_key("район Ақсуат") < sort_key("Бородулихинский район")


def test_match_key_ignores_case_affixes_letters_and_alphabet() -> None:
    assert match_key("г. Қарағанды") == match_key("Караганды") == match_key("Karagandy")
    assert match_key("Бухар-Жырауский район") == match_key("бухар жырауский")


@pytest.mark.parametrize(("change", "error"), [
    (lambda d: d["areas"][0].update(code="12345"), "9 digits"),
    (lambda d: d["areas"][0].update(code="990000100"), "no region has the prefix 99"),
    (lambda d: d["areas"].append(dict(d["areas"][0])), "listed twice"),
    (lambda d: d["areas"][0].update(kk=""), "Kazakh and in Russian"),
    (lambda d: d["areas"][0].update(source="hearsay"), "sources the file does not describe"),
    (lambda d: d["areas"][0].pop("verified"), "`verified`"),
    (lambda d: d["areas"][0].update(kind="village"), "unknown kind"),
    (lambda d: d["regions"][0].update(iso="KZ-99"), "ISO 3166-2"),
    (lambda d: d["regions"].pop(), "regions differ"),
    (lambda d: d.update(areas=[a for a in d["areas"] if not a["code"].startswith("62")]), "without any district"),
])
def test_broken_data_is_refused_with_the_rule_it_breaks(change: Any, error: str) -> None:
    doc = document()
    change(doc)
    with pytest.raises(InvalidAreaData, match=error):
        parse(doc)
