"""The profile questionnaire's conversation states: one per question, named after its field."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup

from features.profile.form import QUESTIONS, Kind, ProfileField


class ProfileForm(StatesGroup):
    full_name = State()
    iin = State()
    role = State()
    teaching_post = State()
    org_type = State()
    org_name = State()
    region = State()
    area_code = State()
    current_category = State()
    category_valid_until = State()
    experience_years = State()
    education = State()
    claimed_category = State()
    attestation_kind = State()
    last_attestation = State()
    early_requirements = State()
    production_experience_years = State()
    certificates = State()
    special_programme = State()
    transferred = State()
    email = State()
    phone = State()


def state_for(field: str) -> State:
    state = getattr(ProfileForm, field)
    assert isinstance(state, State)
    return state


def field_of(state: str | None) -> ProfileField | None:
    """The question a conversation state asks; None outside the questionnaire."""
    if state and state.startswith("ProfileForm:"):
        field = state.split(":", 1)[1]
        return ProfileField(field) if field in ProfileField.__members__.values() else None
    return None


def states_of(*kinds: Kind) -> tuple[State, ...]:
    """The states of the questions of these kinds (a filter for the answers they take)."""
    return tuple(state_for(q.field) for q in QUESTIONS if q.kind in kinds)
