"""Fixtures the guard tests share: one HTTP client per module, and a catalogue row that lacks a feature."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping

import httpx2
import pytest

from deepseek_openai._catalogue import MODELS, Feature, Source

from ._support import FLASH, LACKING


@pytest.fixture(scope="module")
def http() -> Iterator[httpx2.Client]:
    with httpx2.Client() as client:
        yield client


@pytest.fixture
def lacking(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Add the catalogue row LACKING: deepseek-flash without ``feature``, with ``sources`` for its facts.

    A test that gives the missing feature a source of its own can tell the refusal cites that row's
    source, not the one every model shares.
    """

    def add(feature: Feature, sources: Mapping[Feature, Source] | None = None) -> None:
        flash = MODELS[FLASH]
        row = dataclasses.replace(
            flash,
            id=LACKING,
            features=flash.features - {feature},
            feature_sources={**flash.feature_sources, **(sources or {})},
        )
        monkeypatch.setitem(MODELS, LACKING, row)

    return add
