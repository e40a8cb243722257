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


# --------------------------------------------------------------------------------------------
# Reading a request's body and files the way openai will send them


def _options(**fields: Any) -> Any:
    from openai._models import FinalRequestOptions

    return FinalRequestOptions.construct(method="post", url="/chat/completions", **fields)


def test_the_body_is_json_data_with_extra_body_merged_over_it_and_omit_deleting_a_key() -> None:
    from types import MappingProxyType

    from openai._types import omit

    from deepseek_openai._openai_compat import merged_body

    body = {"model": "m", "temperature": 1, "seed": 7}
    plain = _options(json_data=body)
    assert merged_body(plain) is plain.json_data  # nothing to merge: no copy
    merged = merged_body(_options(json_data=body, extra_json={"temperature": 0.5, "seed": omit, "x": 1}))
    assert merged == {"model": "m", "temperature": 0.5, "x": 1}
    assert body == {"model": "m", "temperature": 1, "seed": 7}
    read_only = _options(extra_json={"x": 1})
    read_only.json_data = MappingProxyType({"model": "m"})  # set after construct, which makes a dict
    assert merged_body(read_only) == {"model": "m", "x": 1}
    assert merged_body(_options(json_data=[1, 2], extra_json={"x": 1})) is None  # not a JSON object
    assert merged_body(_options(json_data=None)) is None


def test_the_files_are_field_and_value_pairs_from_a_mapping_or_a_list() -> None:
    from deepseek_openai._openai_compat import request_files

    upload = ("a.jsonl", b"{}", "application/jsonl")
    assert request_files(_options(files={"file": upload, "purpose": b"batch"})) == [
        ("file", upload),
        ("purpose", b"batch"),
    ]
    assert request_files(_options(files=[("file", upload)])) == [("file", upload)]
    assert request_files(_options()) == []
