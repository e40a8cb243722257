"""Every private piece of openai the package relies on still exists in the installed openai, with the
parameters it is called with. An openai upgrade that moves one fails here, in one place, loudly."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest

import deepseek_openai
from deepseek_openai._openai_compat import PRIVATE_API

PACKAGE = Path(deepseek_openai.__file__).parent


def _owner(path: str) -> Any:
    module, _, name = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return importlib.import_module(path)


def _instance(owner: Any) -> Any:
    """An instance, for attributes openai only sets in ``__init__``."""
    client = openai.OpenAI(api_key="sk-test", base_url="http://127.0.0.1:1")
    if owner is openai.OpenAI:
        return client
    if owner is openai.Stream:
        return openai.Stream(cast_to=object, response=httpx2.Response(200, content=b""), client=client)
    if owner is openai.AsyncStream:
        aclient = openai.AsyncOpenAI(api_key="sk-test", base_url="http://127.0.0.1:1")
        return openai.AsyncStream(cast_to=object, response=httpx2.Response(200, content=b""), client=aclient)
    return None


@pytest.mark.parametrize(("owner", "attribute", "params"), PRIVATE_API, ids=lambda v: str(v)[:40])
def test_each_private_piece_exists_with_its_parameters(
    owner: str, attribute: str, params: tuple[str, ...]
) -> None:
    obj = _owner(owner)
    fields = getattr(obj, "model_fields", {})
    annotated = any(attribute in getattr(k, "__annotations__", {}) for k in getattr(obj, "__mro__", ()))
    found = hasattr(obj, attribute) or attribute in fields or annotated or hasattr(_instance(obj), attribute)
    assert found, f"openai {openai.__version__} has no {owner}.{attribute}"
    if params:
        target = getattr(obj, attribute)
        names = set(inspect.signature(target).parameters)
        assert set(params) <= names, f"{owner}.{attribute} lost {set(params) - names}"


def test_no_other_module_touches_openai_privates() -> None:
    """The fence: only _openai_compat imports from ``openai._*`` or names openai's private members."""
    members = "|".join(
        ("custom_headers", "default_stream_cls", "process_response", "make_status_error", "iter_events")
    )
    pattern = re.compile(rf"from openai\._|import openai\._|\._({members})\b")
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "_openai_compat.py" and pattern.search(path.read_text())
    ]
    assert offenders == []
