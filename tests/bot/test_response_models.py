"""The Bot API answers' models are built once per process, not again after every garbage collection."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from aiogram.methods.base import Response
from pydantic._internal import _generics

from bot.response_models import CALLED, hold_response_models


def _count_models_built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the parametrised models pydantic builds from now on."""
    built: list[str] = []
    create = _generics.create_generic_submodel

    def counting(name: str, *args: Any) -> Any:
        built.append(name)
        return create(name, *args)

    monkeypatch.setattr(_generics, "create_generic_submodel", counting)
    return built


def test_no_answer_model_is_built_again_after_a_garbage_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    hold_response_models()
    built = _count_models_built(monkeypatch)
    for _ in range(3):
        models = [Response[method.__returning__] for method in CALLED]  # type: ignore[name-defined]  # as aiogram's check_response asks
        del models
        gc.collect()
    assert built == []


def test_without_holding_them_a_collection_frees_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the hold prevents: a parametrised model nothing holds is built afresh after a collection."""
    built = _count_models_built(monkeypatch)
    for _ in range(3):
        models = [Response[tuple[int, str, float]]]
        del models
        gc.collect()
    assert len(built) == 3
