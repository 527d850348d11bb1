"""Kazakhstan's districts and cities as data (scoring/data/areas.json), and typed names matched to them.

A profile and a commission store an area's KATO code, never its name: routing compares codes, and the
name is rendered from the data in the reader's language. Where the codes come from, and which could
not be confirmed, is written in the data file itself (`sources`, `verified`, `not_listed`).

Typed text is matched ignoring case, the affixes people add («г.», «қ.», «город», «қаласы», «ауданы»,
«район»), the Kazakh letters a Russian keyboard lacks (қ = к, ғ = г, ә = а, ...) and the Russian
adjective of a district («Осакаровский» = «Осакаров»). An exact match is certain enough for a
migration; anything looser is only offered for the person to confirm.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from scoring import collation, regions

DATA_FILE = Path(__file__).with_name("data") / "areas.json"
CODE_RE = re.compile(r"^\d{9}$")
# Typed text shorter than this (after the affixes are gone) matches nothing: too many names share it.
MIN_QUERY = 3
# A near match needs this similarity (difflib's ratio) to be offered.
NEAR_RATIO = 0.75
MAX_NEAR = 6


class AreaKind(StrEnum):
    CITY = "city"  # a city of regional significance
    DISTRICT = "district"  # a district (аудан) of a region
    CITY_DISTRICT = "city_district"  # a district of Astana, Almaty or Shymkent


class InvalidAreaData(ValueError):
    """The data file breaks one of its rules (named in the message)."""


# Words that say what kind of place a name is, not which: dropped before comparing or sorting.
_AFFIXES = frozenset({
    "г", "гор", "город", "города", "қ", "қала", "қаласы", "аудан", "ауданы", "аудандық", "район", "района",
    "р", "рн", "обл", "область", "облысы", "им", "имени", "атындағы", "city", "district",
})
# What a Russian keyboard types for each Kazakh letter (and the letters spellings disagree on).
_FOLD = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
                       "ё": "е", "й": "и", "ъ": "", "ь": ""})
_PUNCTUATION = re.compile(r"[«»\"'`’‘“”.,;:!?()\[\]\-–—/\\№#]+")
# Names are compared in one Latin spelling, so «Karaganda» and «Qaraghandy» find «Қарағанды» too.
_LATIN = str.maketrans({"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
                        "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
                        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ы": "i",
                        "э": "e", "ю": "yu", "я": "ya"})
_LATIN_SPELLINGS = (("q", "k"), ("gh", "g"), ("y", "i"), ("j", "zh"), ("ü", "u"), ("ö", "o"), ("ä", "a"),
                    ("ğ", "g"), ("ı", "i"), ("ñ", "n"), ("ş", "sh"), ("ç", "ch"))
_ADJECTIVE = re.compile(r"t?sk(ii|aya|oe|ogo|oi)$")


_ABBREVIATED_DISTRICT = re.compile(r"(?<!\w)р-о?н(?!\w)")


def _words(text: str) -> list[str]:
    text = _ABBREVIATED_DISTRICT.sub(" ", text.casefold())
    return [w for w in _PUNCTUATION.sub(" ", text).split() if w not in _AFFIXES]


def _stem(word: str) -> str:
    """«osakarovskii» → «osakarov»: the Russian adjective of a district names the same place."""
    stemmed = _ADJECTIVE.sub("", word)
    return stemmed if len(stemmed) >= MIN_QUERY else word


def _latin(word: str) -> str:
    word = word.translate(_FOLD).translate(_LATIN)
    for written, spoken in _LATIN_SPELLINGS:
        word = word.replace(written, spoken)
    return word


def match_key(text: str) -> str:
    """What two spellings of one place have in common: no case, affixes, Kazakh letters, alphabet or
    adjective («г. Караганда», «Қарағанды», «Karaganda» → «karaganda»/«karagandi»)."""
    return " ".join(_stem(_latin(word)) for word in _words(text))


def sort_key(name: str, locale: str = "kk") -> tuple[tuple[int, int], ...]:
    """Order names in the reader's alphabet (scoring.collation), affixes aside: «район Ақсуат» under А."""
    return collation.sort_key(" ".join(_words(name)) or name, locale)


@dataclass(frozen=True)
class AdministrativeArea:
    code: str
    region: str  # the id of its region in scoring.regions
    kind: AreaKind
    kk: str
    ru: str
    aliases: tuple[str, ...] = ()
    verified: bool = True
    keys: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def name(self, locale: str | None) -> str:
        """The name in this language (Russian for any other: the bot speaks Kazakh and Russian)."""
        return self.kk if locale == "kk" else self.ru


@dataclass(frozen=True)
class AreaMatch:
    """`exact`: names equal to the typed one (affixes and spelling aside); `near`: close ones to offer."""

    exact: tuple[AdministrativeArea, ...] = ()
    near: tuple[AdministrativeArea, ...] = ()

    @property
    def certain(self) -> AdministrativeArea | None:
        """The one area the text names, when exactly one does."""
        return self.exact[0] if len(self.exact) == 1 else None

    @property
    def candidates(self) -> tuple[AdministrativeArea, ...]:
        return self.exact or self.near


@dataclass(frozen=True)
class AreaCatalogue:
    areas: tuple[AdministrativeArea, ...]
    region_codes: dict[str, str]  # region id -> its KATO code
    by_code: dict[str, AdministrativeArea] = field(default_factory=dict, compare=False, repr=False)

    def get(self, code: str | None) -> AdministrativeArea | None:
        return self.by_code.get(code) if code else None

    def of_region(self, region_id: str | None) -> tuple[AdministrativeArea, ...]:
        return tuple(a for a in self.areas if a.region == region_id)

    def for_choice(self, region_id: str | None, locale: str | None) -> list[AdministrativeArea]:
        """A region's areas as a list to choose from: cities first, then districts, in her alphabet."""
        return sorted(self.of_region(region_id),
                      key=lambda a: (a.kind is not AreaKind.CITY, sort_key(a.name(locale), locale or "ru")))

    def match(self, text: str, region_id: str | None = None) -> AreaMatch:
        """The areas (of the region, when given) a typed name may mean."""
        query = match_key(text)
        if len(query.replace(" ", "")) < MIN_QUERY:
            return AreaMatch()
        pool = self.of_region(region_id) if region_id else self.areas
        exact = tuple(a for a in pool if query in a.keys)
        if exact:
            return AreaMatch(exact=exact)
        scored = sorted(((score, a) for a in pool if (score := _closeness(query, a.keys)) >= NEAR_RATIO),
                        key=lambda pair: -pair[0])
        return AreaMatch(near=tuple(a for _score, a in scored[:MAX_NEAR]))


def _closeness(query: str, keys: Iterable[str]) -> float:
    best = 0.0
    for key in keys:
        if len(query) >= 4 and (key.startswith(query) or query.startswith(key)):
            return 0.95  # «осакаровка» (the district's centre) for «осакаров», «караганд» for «караганда»
        best = max(best, SequenceMatcher(None, query, key).ratio())
    return best


def _keys(kk: str, ru: str, aliases: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in (match_key(name) for name in (kk, ru, *aliases)) if k)


def _area(row: dict[str, Any], regions_by_prefix: dict[str, str]) -> AdministrativeArea:
    code = str(row.get("code", ""))
    if not CODE_RE.match(code):
        raise InvalidAreaData(f"area code {code!r} is not 9 digits")
    region = regions_by_prefix.get(code[:2])
    if region is None:
        raise InvalidAreaData(f"area {code}: no region has the prefix {code[:2]}")
    if code.endswith("0000000"):
        raise InvalidAreaData(f"area {code}: a region's code, not a district's or city's")
    try:
        kind = AreaKind(str(row.get("kind")))
    except ValueError:
        raise InvalidAreaData(f"area {code}: unknown kind {row.get('kind')!r}") from None
    kk, ru = str(row.get("kk", "")).strip(), str(row.get("ru", "")).strip()
    if not kk or not ru:
        raise InvalidAreaData(f"area {code}: a name in Kazakh and in Russian is required")
    if not isinstance(row.get("verified"), bool) or not row.get("source"):
        raise InvalidAreaData(f"area {code}: `verified` (true/false) and `source` are required")
    aliases = tuple(str(a) for a in row.get("aliases", ()))
    return AdministrativeArea(code, region, kind, kk, ru, aliases, row["verified"], _keys(kk, ru, aliases))


def parse(document: dict[str, Any]) -> AreaCatalogue:
    """Validate the data file's content and build the catalogue."""
    sources = document.get("sources") or {}
    region_codes: dict[str, str] = {}
    for row in document.get("regions", []):
        code, region_id = str(row.get("code", "")), str(row.get("id", ""))
        if not CODE_RE.match(code) or not code.endswith("0000000"):
            raise InvalidAreaData(f"region {region_id!r}: code {code!r} is not AB0000000")
        if row.get("iso") != f"KZ-{code[:2]}":
            raise InvalidAreaData(f"region {region_id!r}: ISO 3166-2 code {row.get('iso')!r} is not KZ-{code[:2]}")
        region_codes[region_id] = code
    known = {r.id for r in regions.REGIONS}
    if set(region_codes) != known:
        raise InvalidAreaData(f"regions differ from scoring.regions: {sorted(set(region_codes) ^ known)}")
    by_prefix = {code[:2]: region_id for region_id, code in region_codes.items()}
    areas = tuple(_area(row, by_prefix) for row in document.get("areas", []))
    by_code: dict[str, AdministrativeArea] = {}
    for area in areas:
        if area.code in by_code:
            raise InvalidAreaData(f"area {area.code} is listed twice")
        by_code[area.code] = area
    unknown_sources = {row.get("source") for row in document.get("areas", [])} - set(sources)
    if unknown_sources:
        raise InvalidAreaData(f"areas name sources the file does not describe: {sorted(map(str, unknown_sources))}")
    empty = sorted(region_id for region_id in region_codes if not any(a.region == region_id for a in areas))
    if empty:
        raise InvalidAreaData(f"regions without any district or city: {empty}")
    return AreaCatalogue(areas, region_codes, by_code)


def load(path: Path = DATA_FILE) -> AreaCatalogue:
    return parse(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def catalogue() -> AreaCatalogue:
    """The shipped data, read and validated once."""
    return load()


def area_by_code(code: str | None) -> AdministrativeArea | None:
    return catalogue().get(code)


def area_name(code: str | None, locale: str | None) -> str | None:
    area = area_by_code(code)
    return area.name(locale) if area is not None else None
