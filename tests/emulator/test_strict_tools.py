"""Strict tools and forced tool calls, as the API does them (deepseek-api.md sections 8 and 11).

The standard URL accepts ``strict: true`` and ignores it; only ``/beta`` enforces the strict subset,
with a 400 outside it. Strict and forced tool calls answer with arguments that validate against the
tool's schema, and JSON mode answers with an object shaped after the JSON the prompt shows, so
structured output can be tested offline.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import openai
import pytest

from .conftest import USER


def strict_tool(parameters: dict[str, Any], name: str = "record") -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "strict": True, "parameters": parameters}}


def obj(properties: dict[str, Any], **more: Any) -> dict[str, Any]:
    """An object the way the strict subset wants it: every property required, nothing else allowed."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
        **more,
    }


# Inside the documented subset (section 8): each must be accepted on /beta.
INSIDE = {
    "scalars": obj(
        {"s": {"type": "string"}, "n": {"type": "number"}, "i": {"type": "integer"}, "b": {"type": "boolean"}}
    ),
    "bounds": obj({"n": {"type": "integer", "minimum": 3, "maximum": 9, "multipleOf": 3}}),
    "exclusive": obj({"x": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}}),
    "pattern": obj({"code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$"}}),
    "formats": obj(
        {f: {"type": "string", "format": f} for f in ("email", "hostname", "ipv4", "ipv6", "uuid")}
    ),
    "enum and const": obj({"e": {"enum": ["a", "b"]}, "c": {"const": 7}}),
    "array": obj({"tags": {"type": "array", "items": {"type": "string"}}}),
    "anyOf": obj({"v": {"anyOf": [{"type": "string"}, {"type": "null"}]}}),
    "$ref": obj(
        {"home": {"$ref": "#/$defs/City"}},
        **{"$defs": {"City": obj({"name": {"type": "string"}})}},
    ),
    "nested": obj({"inner": obj({"deep": obj({"x": {"type": "integer"}})})}),
}

# Outside it: /beta answers 400.
OUTSIDE = {
    "minLength": obj({"s": {"type": "string", "minLength": 1}}),
    "maxLength": obj({"s": {"type": "string", "maxLength": 9}}),
    "minItems": obj({"a": {"type": "array", "items": {"type": "string"}, "minItems": 1}}),
    "maxItems": obj({"a": {"type": "array", "items": {"type": "string"}, "maxItems": 2}}),
    "additionalProperties missing": {
        "type": "object",
        "properties": {"s": {"type": "string"}},
        "required": ["s"],
    },
    "property not required": {
        "type": "object",
        "properties": {"s": {"type": "string"}, "t": {"type": "string"}},
        "required": ["s"],
        "additionalProperties": False,
    },
    "unsupported format": obj({"d": {"type": "string", "format": "date-time"}}),
    "nested violation": obj({"inner": {"type": "object", "properties": {"x": {"type": "integer"}}}}),
}


@pytest.mark.parametrize("name", OUTSIDE)
def test_strict_is_ignored_on_the_standard_url(raw: openai.OpenAI, name: str) -> None:
    reply = raw.chat.completions.create(
        model="deepseek-flash",
        messages=USER,
        tools=[strict_tool(OUTSIDE[name])],  # type: ignore[list-item]
        extra_body={"thinking": {"type": "disabled"}},
    )
    assert reply.choices[0].finish_reason == "tool_calls"


@pytest.mark.parametrize("name", OUTSIDE)
def test_strict_outside_the_subset_is_a_400_on_beta(beta: openai.OpenAI, name: str) -> None:
    with pytest.raises(openai.BadRequestError, match="strict mode"):
        beta.chat.completions.create(
            model="deepseek-flash",
            messages=USER,
            tools=[strict_tool(OUTSIDE[name])],  # type: ignore[list-item]
        )


@pytest.mark.parametrize("name", INSIDE)
@pytest.mark.parametrize("choice", ["auto", "required", "named"])
def test_strict_and_forced_calls_validate_against_the_schema(
    beta: openai.OpenAI, name: str, choice: str
) -> None:
    schema = INSIDE[name]
    tool_choice: Any = {"type": "function", "function": {"name": "record"}} if choice == "named" else choice
    reply = beta.chat.completions.create(
        model="deepseek-flash",
        messages=USER,
        tools=[strict_tool(schema)],  # type: ignore[list-item]
        tool_choice=tool_choice,
        extra_body={"thinking": {"type": "disabled"}} if choice != "auto" else None,
    )
    (call,) = reply.choices[0].message.tool_calls or []
    jsonschema.validate(json.loads(call.function.arguments), schema)  # type: ignore[union-attr]


def test_a_forced_call_validates_on_the_standard_url_too(raw: openai.OpenAI) -> None:
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string", "minLength": 12},
            "tags": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "uniqueItems": True},
            "both": {
                "allOf": [
                    {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
                    {"properties": {"b": {"type": "boolean"}}, "required": ["b"]},
                ]
            },
        },
        "required": ["city", "tags", "both"],
    }
    tools: Any = [{"type": "function", "function": {"name": "record", "parameters": schema}}]
    reply = raw.chat.completions.create(
        model="deepseek-flash",
        messages=USER,
        tools=tools,
        tool_choice="required",
        extra_body={"thinking": {"type": "disabled"}},
    )
    (call,) = reply.choices[0].message.tool_calls or []
    arguments = json.loads(call.function.arguments)  # type: ignore[union-attr]
    jsonschema.validate(arguments, schema)


def test_json_mode_follows_a_schema_in_the_prompt(raw: openai.OpenAI) -> None:
    schema = obj({"name": {"type": "string"}, "population": {"type": "integer", "minimum": 1000}})
    reply = raw.chat.completions.create(
        model="deepseek-flash",
        messages=[
            {"role": "system", "content": f"Answer in json matching this schema: {json.dumps(schema)}"},
            {"role": "user", "content": "Oslo?"},
        ],
        response_format={"type": "json_object"},
    )
    jsonschema.validate(json.loads(reply.choices[0].message.content or ""), schema)


def test_json_mode_follows_an_example_in_the_prompt(raw: openai.OpenAI) -> None:
    reply = raw.chat.completions.create(
        model="deepseek-flash",
        messages=[{"role": "user", "content": 'Give me json like ```json\n{"city": "Oslo", "rank": 2}\n```'}],
        response_format={"type": "json_object"},
    )
    assert json.loads(reply.choices[0].message.content or "") == {"city": "Oslo", "rank": 2}


def test_json_mode_without_a_shape_in_the_prompt_answers_an_object(raw: openai.OpenAI) -> None:
    reply = raw.chat.completions.create(
        model="deepseek-flash",
        messages=[{"role": "user", "content": "json please"}],
        response_format={"type": "json_object"},
    )
    assert json.loads(reply.choices[0].message.content or "") == {"reply": "Echo: json please"}
