"""What the rules need to know about a person under attestation (pure data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from scoring.categories import (
    AttestationKind,
    Category,
    Education,
    OldCategory,
    OrgType,
    Role,
    Subordination,
)


@dataclass(frozen=True)
class Profile:
    role: Role
    org_type: OrgType
    current_category: Category | None
    category_valid_until: date | None
    experience_years: int
    education: Education
    claimed: Category
    kind: AttestationKind = AttestationKind.REGULAR
    iin: str | None = None
    # Date of the last regular attestation (early attestation needs >= 2 years since it, §42).
    last_attestation: date | None = None
    # Ids of the §42 requirements the person says they meet (see scoring.eligibility.EARLY_REQUIREMENTS).
    early_requirements: frozenset[str] = field(default_factory=frozenset)
    # Language certificates (§8, §9), ids from scoring.eligibility.CERTIFICATES.
    certificates: frozenset[str] = field(default_factory=frozenset)
    # TVET special-subject teachers / production masters: years of production experience by profile (§6).
    production_experience_years: int | None = None
    # A category of the former system held instead of a new one (§32): opens moderator/expert/researcher.
    old_category: OldCategory | None = None
    # Who the organisation is subordinate to: decides some commission levels (§13).
    subordination: Subordination = Subordination.LOCAL
    # Hired under the Special Programme for regions short of teachers (Government decree No. 390 of 13 June
    # 2022): moderator for graduates, one level up for experts and researchers, without attestation (§10).
    special_programme: bool = False
    # Moved since the category was given: to another organisation, to a combined post or to another post by
    # profile. The category is kept until it expires (§41; heads and deputies §49), except one given under
    # the Special Programme, which is confirmed at the new organisation (§10).
    transferred: bool = False
