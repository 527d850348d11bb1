import re

from scoring.regions import REGIONS, REGIONS_BY_ID, RegionKind, region_by_id


def test_seventeen_oblasts_and_three_cities() -> None:
    kinds = [region.kind for region in REGIONS]
    assert kinds.count(RegionKind.OBLAST) == 17
    assert kinds.count(RegionKind.CITY) == 3


def test_regions_created_in_2022_are_present() -> None:
    for region_id in ("abai", "jetisu", "ulytau"):
        assert REGIONS_BY_ID[region_id].kind is RegionKind.OBLAST


def test_cities_of_republican_significance() -> None:
    cities = {region.id for region in REGIONS if region.kind is RegionKind.CITY}
    assert cities == {"astana", "almaty_city", "shymkent"}


def test_almaty_city_and_region_are_distinct() -> None:
    assert REGIONS_BY_ID["almaty_city"].label != REGIONS_BY_ID["almaty_region"].label


def test_ids_are_unique_ascii_slugs() -> None:
    ids = [region.id for region in REGIONS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z_]*", region_id) for region_id in ids)


def test_labels_are_unique() -> None:
    labels = [region.label for region in REGIONS]
    assert len(labels) == len(set(labels))


def test_lookup() -> None:
    assert region_by_id("karaganda") is REGIONS_BY_ID["karaganda"]
    assert region_by_id("nowhere") is None
