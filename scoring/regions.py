"""Kazakhstan's top-level administrative units: 17 regions (oblasts) and 3 cities of republican significance.

Abai, Jetisu and Ulytau regions were created in June 2022 (split from East Kazakhstan, Almaty and
Karaganda regions). The ids are stable ascii slugs stored in profiles; labels are for display only.
Districts are free text in the profile, so no list of them is kept here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scoring.i18n import N_


class RegionKind(StrEnum):
    OBLAST = "oblast"
    CITY = "city"  # city of republican significance (the capital included)


@dataclass(frozen=True)
class Region:
    id: str
    label: str
    kind: RegionKind


# In the order of the English labels; lists shown to a reader are sorted in their own alphabet
# (scoring.collation), as the names differ by language.
REGIONS: tuple[Region, ...] = (
    Region("astana", N_("Astana"), RegionKind.CITY),
    Region("almaty_city", N_("Almaty (city)"), RegionKind.CITY),
    Region("shymkent", N_("Shymkent"), RegionKind.CITY),
    Region("abai", N_("Abai region"), RegionKind.OBLAST),
    Region("akmola", N_("Akmola region"), RegionKind.OBLAST),
    Region("aktobe", N_("Aktobe region"), RegionKind.OBLAST),
    Region("almaty_region", N_("Almaty region"), RegionKind.OBLAST),
    Region("atyrau", N_("Atyrau region"), RegionKind.OBLAST),
    Region("east_kazakhstan", N_("East Kazakhstan region"), RegionKind.OBLAST),
    Region("jambyl", N_("Jambyl region"), RegionKind.OBLAST),
    Region("jetisu", N_("Jetisu region"), RegionKind.OBLAST),
    Region("karaganda", N_("Karaganda region"), RegionKind.OBLAST),
    Region("kostanay", N_("Kostanay region"), RegionKind.OBLAST),
    Region("kyzylorda", N_("Kyzylorda region"), RegionKind.OBLAST),
    Region("mangystau", N_("Mangystau region"), RegionKind.OBLAST),
    Region("north_kazakhstan", N_("North Kazakhstan region"), RegionKind.OBLAST),
    Region("pavlodar", N_("Pavlodar region"), RegionKind.OBLAST),
    Region("turkistan", N_("Turkistan region"), RegionKind.OBLAST),
    Region("ulytau", N_("Ulytau region"), RegionKind.OBLAST),
    Region("west_kazakhstan", N_("West Kazakhstan region"), RegionKind.OBLAST),
)

REGIONS_BY_ID: dict[str, Region] = {region.id: region for region in REGIONS}


def region_by_id(region_id: str) -> Region | None:
    """The region with this id, or None for an id that is unknown (e.g. from an older profile)."""
    return REGIONS_BY_ID.get(region_id)
