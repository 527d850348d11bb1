"""Every scoring and observation sheet as plain JSON data, to compare sheets built two ways."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any


def plain(value: Any) -> Any:
    """Dataclasses as {"type": name, field: ...}, enums as their value, tuples as lists, keys as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, **fields}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def snapshot() -> dict[str, Any]:
    from scoring.sheets import SHEETS
    from scoring.sheets.observation import OBSERVATION_SHEETS

    return {
        "sheets": {sheet_id: plain(sheet) for sheet_id, sheet in SHEETS.items()},
        "observation_sheets": {sheet_id: plain(sheet) for sheet_id, sheet in OBSERVATION_SHEETS.items()},
    }
