"""A rule set's documents table as checklist items: the engine's items (who needs which) with the set's need,
and a document only the set lists as an item every teacher uploads."""

from __future__ import annotations

from dataclasses import replace

from scoring.documents import ANY_FORMAT, ITEMS, Item, Need, Source
from scoring.rulesets.load import RuleSet

_ITEMS: dict[str, tuple[Item, ...]] = {}


def document_title(doc_id: str) -> str:
    """The name of a document the engine does not know: its id in words (a set's table gives no title)."""
    return doc_id.replace("_", " ")


def _item_of(ruleset: RuleSet, doc_id: str) -> Item:
    rule = ruleset.documents[doc_id]
    return Item(doc_id, document_title(doc_id), rule.clause, Source.UPLOAD, Need(rule.need), ANY_FORMAT)


def _items(ruleset: RuleSet) -> tuple[Item, ...]:
    known = {item.id for item in ITEMS}
    # A document the set no longer lists is no longer asked; one the engine knows keeps who needs it.
    kept = tuple(replace(item, need=Need(ruleset.documents[item.id].need)) for item in ITEMS
                 if item.id in ruleset.documents)
    return kept + tuple(_item_of(ruleset, doc_id) for doc_id in ruleset.documents if doc_id not in known)


def items_of(ruleset: RuleSet) -> tuple[Item, ...]:
    """The checklist items of this set, in the order of the lists (each set's built once per process)."""
    key = f"{ruleset.key}:{ruleset.origin}"
    if key not in _ITEMS:
        _ITEMS[key] = _items(ruleset)
    return _ITEMS[key]


def item_of(ruleset: RuleSet, item_id: str) -> Item | None:
    return next((item for item in items_of(ruleset) if item.id == item_id), None)
