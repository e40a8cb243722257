"""The emulator's minimal instances satisfy the schemas structured output sends (deepseek-api.md
sections 8 and 12), checked by pydantic against the model each schema came from."""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Literal

import pytest
from openai.lib._pydantic import to_strict_json_schema
from pydantic import BaseModel, Field

from deepseek_openai.testing._instances import instance_for_schema, string_for_pattern


class Color(Enum):
    RED = "red"
    BLUE = "blue"


class Point(BaseModel):
    x: float = Field(gt=0, le=10)
    y: int = Field(ge=5, multiple_of=5)


class Shape(BaseModel):
    name: str = Field(min_length=3, max_length=12)
    code: str = Field(pattern=r"^[A-Z]{2}-\d{3}$")
    color: Color
    mode: Literal["fill", "stroke"]
    points: list[Point] = Field(min_length=2)
    parent: Shape | None
    tags: Annotated[list[str], Field(max_length=3)]
    email: str = Field(json_schema_extra={"format": "email"})


MODELS: list[type[BaseModel]] = [Point, Shape]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("strict", [False, True], ids=["pydantic", "openai-strict"])
def test_the_instance_validates_against_its_model(model: type[BaseModel], strict: bool) -> None:
    schema = to_strict_json_schema(model) if strict else model.model_json_schema()
    model.model_validate(instance_for_schema(schema))


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[0-9]{5}$",
        r"^\d{3}-\d{4}$",
        r"^(foo|bar)+baz$",
        r"[A-Z]{2}\d+",
        r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$",
        r"^(?:https?://)?[a-z]+\.com$",
        r"^a*b?c+$",
        r"^[a-z]$|^x$",
        r"^v(?P<major>\d+)\.\d+$",
    ],
)
def test_a_string_is_built_for_each_pattern(pattern: str) -> None:
    built = string_for_pattern(pattern)
    assert built is not None
    assert re.search(pattern, built)


def test_the_instance_is_deterministic() -> None:
    schema = Shape.model_json_schema()
    assert instance_for_schema(schema) == instance_for_schema(schema)
