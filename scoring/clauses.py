"""How a clause mark reads to the teacher, in their language.

Rules keep their source as a short mark: "§31" is clause 31 of the attestation algorithm (`003`),
"Rules §15" clause 15 of the standing Rules (`000`). Russian and Kazakh write clauses differently
("п. 31", "31-т."), so the mark becomes a translatable message when it is shown.
"""

from __future__ import annotations

import re

from scoring.i18n import N_, Phrase

_FORMS = (
    (re.compile(r"§(\d+)"), N_("§{n}")),
    (re.compile(r"Rules §(\d+)"), N_("Rules §{n}")),
)


def clause_reference(mark: str) -> Phrase:
    for pattern, template in _FORMS:
        match = pattern.fullmatch(mark)
        if match:
            return Phrase(template, {"n": match.group(1)})
    raise ValueError(f"unknown clause mark {mark!r}")
