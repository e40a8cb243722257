"""One walk through every guard: each message says what, why (with a dated source) and the fix.

The case list is checked against the tables, so a new guard without a case fails here:
namespaces come from the installed openai client, request rules from the rule table (every row
that can refuse has a case here; every row that only translates has a translation case), and
the endpoint table's refusals each have one. The expected texts are written here, from
deepseek-api.md, never read from the code under test.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import itertools
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai
import pytest
from openai.resources.responses import Responses

from deepseek_openai import DeepSeek, DeepSeekRequestError, RetiredModelWarning, UnsupportedFeatureError
from deepseek_openai._catalogue import MODELS, Feature
from deepseek_openai._endpoints import SUPPORTED_SUBNAMESPACES, UNSERVED_METHODS, unsupported_namespaces
from deepseek_openai._rules import RULES, Action, Policy
from tests.conftest import Recorder
from tests.images import PDF, ask, data_url, image_url, png

from ._support import drive_sync, sync_client

DATED = re.compile(r"\((?P<title>[^()]*(?:\([^()]*\))?[^()]*), (?P<date>20\d\d-\d\d-\d\d)\)\. Fix: ")
USER = [{"role": "user", "content": "hi"}]
FLASH = "deepseek-flash"
PRO = "deepseek-v4-pro"
LACKING = "deepseek-flash-lacking"  # a catalogue row the walk adds, lacking one feature
MIB = 1024 * 1024


class Sparse(io.BytesIO):
    """A seekable file that says it is ``size`` bytes long but holds only ``head`` (no 64 MiB in memory)."""

    name = "/tmp/sparse.png"

    def __init__(self, head: bytes, size: int) -> None:
        super().__init__()
        self.head, self.size, self.at = head, size, 0

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.at

    def seek(self, offset: int, whence: int = 0) -> int:
        self.at = offset if whence == 0 else self.at + offset if whence == 1 else self.size + offset
        return self.at

    def read(self, n: int | None = -1) -> bytes:
        data = self.head[self.at : self.at + n if n is not None and n >= 0 else None]
        self.at += len(data)
        return data


@dataclass(frozen=True)
class Case:
    """One guard: how to trigger it, and the message parts it must produce."""

    key: str
    """What it covers: ``namespace:x``, ``rule:<row id>`` or ``endpoint:<refusal>``."""
    call: Callable[[DeepSeek], Any]
    what: str
    fix: str
    client: dict[str, Any] = field(default_factory=dict)
    error: type[Exception] = DeepSeekRequestError
    lacks: Feature | None = None
    """Run against a catalogue row like deepseek-flash's without this feature (model LACKING)."""


@dataclass(frozen=True)
class Translation:
    """An equivalent DeepSeek has: translated instead of refused."""

    key: str
    """``rule:<row id>`` of the translating row."""
    kwargs: dict[str, Any]
    sent: dict[str, Any]
    """Keys that must be in the body sent (value None: must be absent)."""
    warning: tuple[str, str, str] | None = None
    """(what, dated why, fix) fragments of the RetiredModelWarning, if one is expected."""
    client: dict[str, Any] = field(default_factory=dict)
    path: str | None = None
    """Where the request must go (strict tools: the beta URL, deepseek-api.md section 11); by default
    the endpoint's own path (checked for chat and Responses calls)."""
    call: Callable[[DeepSeek], Any] | None = None
    """The call to make instead of a chat call with ``kwargs`` (``sent``: the multipart form's fields)."""
    endpoint: str = "chat"
    """``chat`` or ``responses``: which create() the kwargs go to."""


def chat(**kwargs: Any) -> Callable[[DeepSeek], Any]:
    """A chat call; parameters the SDK has no keyword for go in extra_body, as users must send them."""
    params = inspect.signature(openai.resources.chat.Completions.create).parameters
    kwargs.setdefault("model", FLASH)
    kwargs.setdefault("messages", USER)
    extra = {k: kwargs.pop(k) for k in list(kwargs) if k not in params}
    return lambda c: c.chat.completions.create(**kwargs, extra_body=extra or None)


def fim(beta: bool = True, **kwargs: Any) -> Callable[[DeepSeek], Any]:
    params = inspect.signature(openai.resources.Completions.create).parameters
    kwargs.setdefault("model", FLASH)
    kwargs.setdefault("prompt", "def f():")
    extra = {k: kwargs.pop(k) for k in list(kwargs) if k not in params}
    return lambda c: (c.beta_client if beta else c).completions.create(**kwargs, extra_body=extra or None)


STRICT_OBJECT = {"type": "object", "properties": {}, "required": [], "additionalProperties": False}
"""The smallest schema inside DeepSeek's strict subset (deepseek-api.md section 8)."""


def later(make: Callable[[], Callable[[DeepSeek], Any]]) -> Callable[[DeepSeek], Any]:
    """A call whose (large) request is built only when the case runs, not when the module loads."""

    def call(client: DeepSeek) -> Any:
        return make()(client)

    return call


def responses_input(items: list[Any], model: str = FLASH) -> Callable[[DeepSeek], Any]:
    return lambda c: c.responses.create(model=model, input=items)


def input_image(url: str, detail: str = "auto") -> dict[str, Any]:
    return {"type": "input_image", "image_url": url, "detail": detail}


def responses(**kwargs: Any) -> Callable[[DeepSeek], Any]:
    """A Responses call; fields the SDK has no keyword for go in extra_body."""
    params = inspect.signature(Responses.create).parameters
    kwargs.setdefault("model", FLASH)
    kwargs.setdefault("input", "hi")
    extra = {k: kwargs.pop(k) for k in list(kwargs) if k not in params}
    return lambda c: c.responses.create(**kwargs, extra_body=extra or None)


def rtool(name: str = "get_weather", **fields: Any) -> dict[str, Any]:
    """A Responses function tool (flat: name and parameters on the tool itself)."""
    return {"type": "function", "name": name, "parameters": {"type": "object"}, **fields}


def tool(name: str = "get_weather", **function: Any) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "parameters": {"type": "object"}, **function}}


def _namespace_cases() -> Iterator[Case]:
    for name in unsupported_namespaces(openai.OpenAI):
        yield Case(
            f"namespace:{name}", _first_method(name), f"client.{name}.", "", error=UnsupportedFeatureError
        )
    beta = openai.resources.beta.Beta
    for sub in unsupported_namespaces(beta):
        if ("beta", sub) not in SUPPORTED_SUBNAMESPACES:
            yield Case(
                f"namespace:beta.{sub}",
                _first_method("beta", sub),
                f"client.beta.{sub}.",
                "",
                error=UnsupportedFeatureError,
            )


def _first_method(*path: str) -> Callable[[DeepSeek], Any]:
    def call(client: DeepSeek) -> Any:
        target: Any = client
        for part in path:
            target = getattr(target, part)
        for name in sorted(dir(target)):
            value = getattr(target, name)
            if not name.startswith("_") and callable(value):
                return value()
        # A namespace with only sub-namespaces: descend into the first one.
        sub = next(n for n in sorted(dir(target)) if not n.startswith(("_", "with_")))
        return _first_method(*path, sub)(client)

    return call


OPENAI_ONLY_VALUES: dict[str, Any] = {
    "logit_bias": {"50256": -100},
    "seed": 7,
    "audio": {"voice": "alloy", "format": "wav"},
    "modalities": ["text", "audio"],
    "prediction": {"type": "content", "content": "x"},
    "web_search_options": {},
    "service_tier": "flex",
    "parallel_tool_calls": False,
    "prompt_cache_key": "k",
    "prompt_cache_retention": "24h",
    "prompt_cache_options": {"x": 1},
    "store": True,
    "metadata": {"a": "b"},
    "best_of": 3,
    "verbosity": "low",
    "moderation": {"x": 1},
    "functions": [{"name": "f", "parameters": {}}],
    "function_call": "auto",
}

# deepseek-api.md section 5 ("not DeepSeek"): audio and web search have no DeepSeek counterpart at all.
OPENAI_ONLY_UNSUPPORTED = {"audio", "modalities", "web_search_options", "functions", "function_call"}
OPENAI_ONLY_FIXES = {"functions": "pass tools=[{'type': 'function'", "function_call": "use tool_choice"}

REQUEST_CASES: list[Case] = [
    # -- translations that refuse what they cannot translate
    Case(
        "rule:max_completion_tokens.conflict",
        chat(max_completion_tokens=10, max_tokens=20),
        "max_completion_tokens=10",
        "pass only max_tokens",
    ),
    Case("rule:user_id.untranslatable", chat(user="a@b.c"), "user='a@b.c'", "hash e-mail addresses"),
    Case(
        "rule:user_id.conflict",
        chat(safety_identifier="u1", user_id="u2"),
        "user_id='u2'",
        "pass only user_id",
    ),
    Case(
        "rule:model.retired",
        chat(model="deepseek-chat"),
        "model='deepseek-chat' is retired",
        "use model='deepseek-flash', thinking=False",
        client={"retired_model_policy": "error"},
    ),
    Case(
        "rule:model.retired",
        fim(model="deepseek-reasoner"),
        "model='deepseek-reasoner' is retired",
        "use model='deepseek-flash'",
        client={"retired_model_policy": "error"},
    ),
    Case(
        "rule:reasoning_effort.invalid",
        chat(reasoning_effort="turbo"),
        "reasoning_effort='turbo'",
        "effort='low', 'high' or 'max'",
    ),
    Case("rule:thinking.invalid", chat(thinking="yes"), "thinking='yes'", "get_client(thinking=False)"),
    Case(
        "rule:history.reasoning_content",
        chat(messages=[*USER, {"role": "assistant", "content": "x"}, *USER], tools=[tool()]),
        "assistant messages at index 1 have no reasoning_content",
        "history_policy='backfill'",
        client={"history_policy": "error"},
    ),
    # -- request rules
    Case(
        "rule:allow_tools",
        chat(tools=[tool()]),
        "allow_tools=False",
        "allow_tools=True",
        client={"allow_tools": False},
        error=UnsupportedFeatureError,
    ),
    Case("rule:messages.empty", chat(messages=[]), "messages is empty", "pass messages="),
    Case("rule:messages.type", chat(messages=["hi"]), "messages[0] is a str", "pass dicts"),
    Case(
        "rule:messages.role",
        chat(messages=[{"role": "developer", "content": "x"}, *USER]),
        "role 'developer'",
        "use role 'system'",
    ),
    Case(
        "rule:messages.tool_call_id",
        chat(messages=[*USER, {"role": "tool", "content": "x"}]),
        "tool result without tool_call_id",
        "set tool_call_id",
    ),
    Case(  # section 5: tool (tool_call_id, content), the id a string (issue 14: unhashable values)
        "rule:messages.tool_call_id",
        chat(messages=[*USER, {"role": "tool", "tool_call_id": ["call_1"], "content": "x"}]),
        "tool result whose tool_call_id is a list, not a string",
        "set tool_call_id",
    ),
    Case(
        "rule:messages.prefix_position",
        chat(messages=[{"role": "assistant", "content": "x", "prefix": True}, *USER]),
        "messages[0] has prefix=True",
        "move the prefix message to the end",
    ),
    Case(
        "rule:messages.content_missing",
        chat(messages=[{"role": "system"}, *USER]),
        "messages[0] ('system') has no content",
        "pass model.model_dump()",
    ),
    Case(
        "rule:messages.role",
        chat(messages=[{"content": "x"}]),
        "messages[0] has no role",
        "give every message a role",
    ),
    Case(
        "rule:messages.part_shape",
        chat(messages=[{"role": "user", "content": ["hello", "world"]}]),
        "has a str in its content list",
        "{'type': 'text', 'text': ...}",
    ),
    Case(
        "rule:messages.tool_order",
        chat(messages=[*USER, {"role": "tool", "tool_call_id": "call_1", "content": "x"}]),
        "answers tool call 'call_1'",
        "append one {'role': 'tool'",
    ),
    Case(
        "rule:messages.part_type",
        chat(messages=[{"role": "user", "content": [{"type": "input_audio", "input_audio": {}}]}]),
        "'input_audio' content part",
        "send text",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:messages.vision",
        chat(
            model=PRO,
            messages=[
                {
                    "role": "user",
                    "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AA=="}}],
                }
            ],
        ),
        "image part for model 'deepseek-v4-pro'",
        "use model='deepseek-flash'",
        error=UnsupportedFeatureError,
    ),
    *(
        Case(
            f"rule:openai_only.{name}",
            chat(**{name: value}),
            f"{name}=",
            OPENAI_ONLY_FIXES.get(name, f"remove {name}"),
            error=UnsupportedFeatureError if name in OPENAI_ONLY_UNSUPPORTED else DeepSeekRequestError,
        )
        for name, value in OPENAI_ONLY_VALUES.items()
    ),
    Case("rule:n", chat(n=3), "n=3", "remove n", error=UnsupportedFeatureError),
    Case(
        "rule:response_format.json_schema",
        chat(response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}),
        "response_format json_schema",
        "response_format={'type': 'json_object'}",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:response_format.type",
        chat(response_format={"type": "xml"}),
        "response_format={'type': 'xml'}",
        "response_format={'type': 'json_object'}",
    ),
    Case(
        "rule:tools.type",
        chat(tools={"type": "function"}),
        "tools is a dict, not a list",
        "pass tools=[{'type': 'function'",
    ),
    Case(
        "rule:tools.count",
        chat(tools=[tool(f"f{i}") for i in range(129)]),
        "129 tools",
        "send at most 128 tools",
    ),
    Case(
        "rule:tools.builtin",
        chat(tools=[{"type": "web_search"}]),
        "tools[0] has type 'web_search'",
        "{'type': 'function', 'function': {...}}",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:tools.name",
        chat(tools=[tool("get weather")]),
        "function name 'get weather'",
        "rename the function, e.g. 'get_weather'",
    ),
    Case(
        "rule:tools.unique",
        chat(tools=[tool(), tool()]),
        "'get_weather' appears twice",
        "give each function its own name",
    ),
    Case(
        "rule:tool_choice.thinking",
        chat(tools=[tool()], tool_choice="required"),
        "tool_choice='required' while thinking",
        "client.with_options(thinking=False)",
    ),
    Case(
        "rule:tools.strict_schema",
        chat(
            tools=[
                tool(
                    strict=True,
                    parameters={
                        "type": "object",
                        "properties": {"city": {"type": "string", "maxLength": 40}},
                        "required": ["city"],
                        "additionalProperties": False,
                    },
                )
            ]
        ),
        "has strict=True but its schema is outside DeepSeek's strict subset",
        "drop strict from that tool",
    ),
    Case(
        "rule:beta_only.prefix",
        chat(messages=[*USER, {"role": "assistant", "content": "x", "prefix": True}]),
        "prefix=True",
        "prefix_complete()",
    ),
    Case(
        "rule:messages.part_role",
        chat(
            messages=[
                *USER,
                {
                    "role": "assistant",
                    "content": [{"type": "image_url", "image_url": {"url": "https://x/a.png"}}],
                },
                *USER,
            ]
        ),
        "messages[1] ('assistant') has a 'image_url' content part",
        "move the image into a user message",
    ),
    Case("rule:user_id", chat(user_id="a@b.c"), "user_id='a@b.c'", "hash e-mail addresses"),
    # -- images (deepseek-api.md section 13)
    Case(
        "rule:messages.image_part",
        chat(messages=ask({"type": "image_url", "image_url": {}})),  # type: ignore[typeddict-item]
        "messages[0].content[1] is an image_url part without a url",
        "deepseek_openai.image_part(",
    ),
    Case(
        "rule:messages.image_scheme",
        chat(messages=ask(image_url("file:///tmp/cat.png"))),
        "has the image URL 'file:///tmp/cat.png'",
        "use an https URL",
    ),
    Case(
        "rule:messages.image_url_length",
        chat(messages=ask(image_url("https://example.com/" + "a" * 8173))),
        "an image URL of 8,193 characters",
        "use a shorter URL",
    ),
    Case(
        "rule:messages.image_detail",
        chat(messages=ask(image_url("https://example.com/a.png", detail="medium"))),
        "detail='medium'",
        "leave detail out",
    ),
    Case(
        "rule:messages.image_data",
        chat(messages=ask(image_url("data:image/png,%89PNG%0D%0A"))),
        "inline image data that is not base64",
        "image_part(data)",
    ),
    Case(
        "rule:messages.image_type",
        chat(messages=ask(image_url(data_url(PDF, "image/png")))),
        "messages[0].content[1] is a PDF document",
        "convert the image to PNG or JPEG",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:messages.image_size",
        later(lambda: chat(messages=ask(image_url(data_url(png(pad=32 * MIB)))))),
        "is an inline image of 32.0 MiB",
        "client.files.create(",
    ),
    Case(
        "rule:messages.image_pixels",
        chat(messages=ask(image_url(data_url(png(8193, 1))))),
        "is 8193 x 1 pixels",
        "scale the image down",
    ),
    Case(
        "rule:images.count",
        chat(messages=ask(*[image_url(data_url(png()))] * 601)),
        "the request carries 601 images",
        "send the images over several requests",
    ),
    Case(
        "rule:images.pixels_many",
        chat(messages=ask(image_url(data_url(png(4097, 1))), *[image_url(data_url(png()))] * 14)),
        "the request carries 15 images and messages[0].content[1] is 4097 x 1 pixels",
        "scale the larger images down to 4096 pixels a side",
    ),
    Case(
        "rule:request.size",
        later(lambda: chat(messages=ask(*[image_url(data_url(png(pad=20 * MIB)))] * 2))),
        "the request carries 53.3 MiB",
        "send their file ids",
    ),
    # -- the same over a Responses input (input_image parts; sections 12 and 13)
    Case(
        "rule:responses.image_role",
        responses_input([{"role": "assistant", "content": [input_image(data_url(png()))]}]),
        "input[0].content[0] ('assistant') is an input_image",
        "move the image into a user message",
    ),
    Case(
        "rule:responses.vision",
        responses_input([{"role": "user", "content": [input_image(data_url(png()))]}], model=PRO),
        "input[0].content[0] is an input_image for model 'deepseek-v4-pro'",
        "use model='deepseek-flash'",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.image_part",
        responses_input([{"role": "user", "content": [{"type": "input_image", "detail": "auto"}]}]),
        "input[0].content[0] is an input_image part with neither image_url nor file_id",
        "give the part its image_url",
    ),
    Case(
        "rule:responses.image_scheme",
        responses_input([{"role": "user", "content": [input_image("ftp://example.com/a.png")]}]),
        "has the image URL 'ftp://example.com/a.png'",
        "use an https URL",
    ),
    Case(
        "rule:responses.image_url_length",
        responses_input([{"role": "user", "content": [input_image("https://example.com/" + "a" * 8173)]}]),
        "an image URL of 8,193 characters",
        "use a shorter URL",
    ),
    Case(
        "rule:responses.image_detail",
        responses_input([{"role": "user", "content": [input_image("https://example.com/a.png", "ultra")]}]),
        "detail='ultra'",
        "leave detail out",
    ),
    Case(
        "rule:responses.image_data",
        responses_input([{"role": "user", "content": [input_image("data:image/png,%89PNG")]}]),
        "inline image data that is not base64",
        "image_part(data)",
    ),
    Case(
        "rule:responses.image_type",
        responses_input([{"role": "user", "content": [input_image(data_url(PDF))]}]),
        "input[0].content[0] is a PDF document",
        "convert the image to PNG or JPEG",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.image_size",
        later(
            lambda: responses_input([{"role": "user", "content": [input_image(data_url(png(pad=32 * MIB)))]}])
        ),
        "is an inline image of 32.0 MiB",
        "client.files.create(",
    ),
    Case(
        "rule:responses.image_pixels",
        responses_input([{"role": "user", "content": [input_image(data_url(png(1, 8193)))]}]),
        "is 1 x 8193 pixels",
        "scale the image down",
    ),
    # the per-request totals count input_image parts too (section 13's limits are per request)
    Case(
        "rule:images.count",
        responses_input([{"role": "user", "content": [input_image(data_url(png()))] * 601}]),
        "the request carries 601 images",
        "send the images over several requests",
    ),
    Case(
        "rule:images.pixels_many",
        responses_input(
            [
                {
                    "role": "user",
                    "content": [input_image(data_url(png(1, 4097))), *[input_image(data_url(png()))] * 14],
                }
            ]
        ),
        "the request carries 15 images and input[0].content[0] is 1 x 4097 pixels",
        "scale the larger images down to 4096 pixels a side",
    ),
    Case(
        "rule:request.size",
        later(
            lambda: responses_input(
                [{"role": "user", "content": [input_image(data_url(png(pad=20 * MIB)))] * 2}]
            )
        ),
        "the request carries 53.3 MiB",
        "send their file ids",
    ),
    # -- uploads (deepseek-api.md section 13)
    Case(
        "rule:files.file",
        lambda c: c.post("/files", body={"purpose": "user_data"}, cast_to=object),
        "the upload carries no file",
        "file=open(path, 'rb')",
    ),
    Case(
        "rule:files.purpose",
        lambda c: c.files.create(file=png(), purpose="fine-tune"),
        "purpose='fine-tune'",
        "pass purpose='user_data'",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:files.type",
        lambda c: c.files.create(file=("report.png", PDF), purpose="user_data"),
        "the file 'report.png' is a PDF document",
        "convert images to PNG or JPEG",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:files.size",
        lambda c: c.files.create(file=Sparse(png(), 64 * MIB + 1), purpose="user_data"),
        "the file 'sparse.png' is 64.0 MiB",
        "scale the image down",
    ),
    Case(
        "rule:files.filename",
        lambda c: c.files.create(file=("x" * 509 + ".png", png()), purpose="user_data"),
        "the file name has 513 characters",
        "pass a shorter name",
    ),
    Case(
        "rule:files.expires_after",
        lambda c: c.files.create(
            file=png(), purpose="user_data", expires_after={"anchor": "created_at", "seconds": 3599}
        ),
        "expires_after={'anchor': 'created_at', 'seconds': 3599}",
        "or leave it out",
    ),
    # Rows that read a feature off the catalogue: every current model has these, so the walk adds
    # a row that lacks one (the rule must follow the catalogue, not a model name).
    Case(
        "rule:thinking.model",
        chat(model=LACKING),
        "this thinking mode was asked of model 'deepseek-flash-lacking'",
        "set thinking the other way",
        error=UnsupportedFeatureError,
        lacks=Feature.THINKING,
    ),
    Case(
        "rule:tools.model",
        chat(model=LACKING, tools=[tool()]),
        "tools were sent for model 'deepseek-flash-lacking'",
        "use model='deepseek-flash'",
        error=UnsupportedFeatureError,
        lacks=Feature.TOOLS,
    ),
    Case(
        "rule:tools.strict_model",
        chat(model=LACKING, tools=[tool(strict=True)]),
        "strict tools were sent for model 'deepseek-flash-lacking'",
        "drop strict",
        client={"beta": True},
        error=UnsupportedFeatureError,
        lacks=Feature.STRICT_TOOLS,
    ),
    Case(
        "rule:response_format.model",
        chat(model=LACKING, response_format={"type": "json_object"}),
        "response_format json_object for model 'deepseek-flash-lacking'",
        "use model='deepseek-flash'",
        error=UnsupportedFeatureError,
        lacks=Feature.JSON_OUTPUT,
    ),
    Case(
        "rule:messages.prefix_model",
        chat(model=LACKING, messages=[*USER, {"role": "assistant", "content": "x", "prefix": True}]),
        "is a prefix message for model 'deepseek-flash-lacking'",
        "use model='deepseek-flash'",
        client={"beta": True},
        error=UnsupportedFeatureError,
        lacks=Feature.PREFIX_COMPLETION,
    ),
    Case(
        "rule:fim.model",
        fim(model=LACKING),
        "model 'deepseek-flash-lacking' has no FIM",
        "use model='deepseek-flash'",
        error=UnsupportedFeatureError,
        lacks=Feature.FIM,
    ),
    Case(
        "rule:stream_options",
        chat(stream_options={"include_usage": True}),
        "stream_options without stream",
        "pass stream=True",
    ),
    Case(
        "rule:stop",
        chat(stop=[str(i) for i in range(17)]),
        "stop has 17 sequences",
        "keep the 16 most important",
    ),
    Case(
        "rule:top_logprobs.without_logprobs",
        chat(top_logprobs=5),
        "top_logprobs=5 without logprobs",
        "add logprobs=True",
    ),
    Case(
        "rule:top_logprobs.range",
        chat(logprobs=True, top_logprobs=21),
        "top_logprobs=21",
        "use a value from 0 to 20",
    ),
    Case("rule:temperature", chat(temperature=3), "temperature=3", "from 0 to 2"),
    Case("rule:top_p", chat(top_p=0), "top_p=0", "0 < top_p <= 1"),
    Case("rule:max_tokens", chat(max_tokens=400_000), "max_tokens=400000", "max_tokens <= 393216"),
    Case(
        "rule:fim.thinking",
        fim(thinking={"type": "enabled"}),
        "FIM with thinking enabled",
        "remove thinking / reasoning_effort",
    ),
    Case("rule:fim.max_tokens", fim(max_tokens=5000), "max_tokens=5000 for FIM", "max_tokens <= 4096"),
    Case("rule:fim.echo", fim(echo=True, suffix="x"), "echo=True together with suffix", "remove echo"),
    Case("rule:fim.logprobs", fim(logprobs=21), "logprobs=21 for FIM", "use a value from 0 to 20"),
    Case("rule:n", fim(n=2), "n=2", "remove n", error=UnsupportedFeatureError),
    Case("rule:openai_only.best_of", fim(best_of=2), "best_of=2", "remove best_of"),
    # -- the Responses API (deepseek-api.md section 12): stateless, function tools, reasoning.effort
    Case(
        "rule:responses.previous_response_id",
        responses(previous_response_id="resp_1"),
        "previous_response_id='resp_1'",
        "resend the whole conversation as input",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.conversation",
        responses(conversation="conv_1"),
        "conversation='conv_1'",
        "resend the whole conversation as input",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.background",
        responses(background=True),
        "background=True",
        "drop background",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.store",
        responses(store=True),
        "store=True",
        "store=False",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.prompt",
        responses(prompt={"id": "pmpt_1"}),
        "stored prompt template",
        "instructions=",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.item_reference",
        responses(input=[{"type": "item_reference", "id": "msg_1"}]),
        "input[0] is an item_reference",
        "send the item itself",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.include.encrypted_content",
        responses(include=["reasoning.encrypted_content"]),
        "encrypted reasoning",
        "replay the reasoning items themselves",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.include",
        responses(include=["web_search_call.action.sources"]),
        "include=['web_search_call.action.sources']",
        "remove include",
    ),
    Case(
        "rule:responses.tools.builtin",
        responses(tools=[{"type": "web_search"}]),
        "tools[0] has type 'web_search'",
        "{'type': 'function', 'name': ...",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.tools.builtin",
        responses(tools=[rtool(), {"type": "code_interpreter", "container": {"type": "auto"}}]),
        "tools[1] has type 'code_interpreter'",
        "implement the tool yourself",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.tools.custom",
        responses(tools=[{"type": "custom", "name": "run_sql"}]),
        "custom tool 'run_sql'",
        "offer it as a function tool",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.truncation",
        responses(truncation="auto"),
        "truncation='auto'",
        "shorten the input yourself",
        error=UnsupportedFeatureError,
    ),
    Case(
        "rule:responses.reasoning.summary",
        responses(reasoning={"summary": "auto"}),
        "reasoning.summary='auto'",
        "get_reasoning(response)",
    ),
    Case(
        "rule:responses.reasoning_effort.invalid",
        responses(reasoning={"effort": "turbo"}),
        "reasoning.effort='turbo'",
        "{'effort': 'none'} to turn thinking off",
    ),
    Case(
        "rule:responses.thinking.contradiction",
        responses(thinking={"type": "disabled"}, reasoning={"effort": "high"}),
        "contradict each other",
        "set only reasoning={'effort': ...}",
    ),
    Case(
        "rule:responses.max_output_tokens",
        responses(max_output_tokens=400_000),
        "max_output_tokens=400000",
        "max_output_tokens <= 393216",
    ),
    Case(
        "rule:responses.max_output_tokens",
        responses(max_output_tokens=0),
        "max_output_tokens=0",
        "1 <= max_output_tokens",
    ),
    Case(
        "rule:responses.text.format",
        responses(text={"format": {"type": "xml"}}),
        "text.format={'type': 'xml'}",
        "client.responses.parse(text_format=Model)",
    ),
    *(
        Case(f"rule:openai_only.{name}", responses(**{name: value}), f"{name}=", fix)
        for name, value, fix in (
            ("user", "u1", "remove user"),
            ("safety_identifier", "u1", "remove safety_identifier"),
            ("max_tool_calls", 3, "stop your tool loop yourself"),
            ("top_logprobs", 5, "remove top_logprobs"),
            ("stream_options", {"include_obfuscation": False}, "remove stream_options"),
            ("access_programs", {"x": 1}, "remove access_programs"),
            ("image", {"x": 1}, "remove image"),
            ("background_options", {"x": 1}, "remove background_options"),
            ("context_management", [{"type": "compaction"}], "shorten the input yourself"),
        )
    ),
    # rows shared with chat also guard the Responses API
    Case("rule:openai_only.metadata", responses(metadata={"a": "b"}), "metadata=", "remove metadata"),
    Case(
        "rule:openai_only.parallel_tool_calls",
        responses(tools=[rtool()], parallel_tool_calls=False),
        "parallel_tool_calls=False",
        "handle every tool call",
    ),
    Case("rule:temperature", responses(temperature=3), "temperature=3", "from 0 to 2"),
    Case("rule:tools.name", responses(tools=[rtool("get weather")]), "function name 'get weather'", "rename"),
    Case("rule:tools.unique", responses(tools=[rtool(), rtool()]), "appears twice", "its own name"),
    Case(
        "rule:model.retired",
        responses(model="deepseek-chat"),
        "model='deepseek-chat' is retired",
        "use model='deepseek-flash', reasoning={'effort': 'none'}",
        client={"retired_model_policy": "error"},
    ),
    Case(
        "rule:allow_tools",
        responses(tools=[rtool()]),
        "allow_tools=False",
        "allow_tools=True",
        client={"allow_tools": False},
        error=UnsupportedFeatureError,
    ),
]

TRANSLATIONS: list[Translation] = [
    Translation(
        "rule:max_completion_tokens",
        {"max_completion_tokens": 100},
        {"max_tokens": 100, "max_completion_tokens": None},
    ),
    Translation("rule:user_id.from_openai", {"user": "end-user_1"}, {"user_id": "end-user_1", "user": None}),
    Translation(
        "rule:user_id.from_openai",
        {"safety_identifier": "abc"},
        {"user_id": "abc", "safety_identifier": None},
    ),
    Translation("rule:thinking.bool", {"thinking": False}, {"thinking": {"type": "disabled"}}),
    Translation(
        "rule:tools.strict_route",
        {"tools": [tool(strict=True, parameters=STRICT_OBJECT)]},
        {"tools": [tool(strict=True, parameters=STRICT_OBJECT)]},
        path="/beta/chat/completions",
    ),
    Translation(
        "rule:files.purpose.vision",
        {},
        {"purpose": "user_data"},
        call=lambda c: c.files.create(file=png(), purpose="vision"),
    ),
    # deepseek-api.md section 5: both are DeepSeek's parameters and no error is documented for the
    # pair, so the body goes as given (with a warning; see tests/test_pipeline.py).
    Translation(
        "rule:thinking.contradiction",
        {"thinking": {"type": "disabled"}, "reasoning_effort": "high"},
        {"thinking": {"type": "disabled"}, "reasoning_effort": "high"},
    ),
    # Section 5: only user content may be a list of parts; system, assistant and tool content is a string.
    Translation(
        "rule:messages.content_list",
        {
            "messages": [
                {
                    "role": "system",
                    "content": [{"type": "text", "text": "Be "}, {"type": "text", "text": "brief."}],
                },
                *USER,
            ]
        },
        {"messages": [{"role": "system", "content": "Be brief."}, *USER]},
    ),
    Translation("rule:reasoning_effort.alias", {"reasoning_effort": "medium"}, {"reasoning_effort": "high"}),
    Translation(
        "rule:model.retired",
        {"model": "deepseek-chat"},
        {"model": FLASH, "thinking": {"type": "disabled"}},
        warning=("'deepseek-chat' was retired", "2026-07-24", "use model='deepseek-flash', thinking=False"),
    ),
    Translation(
        "rule:model.retired",
        {"model": "deepseek-reasoner"},
        {"model": FLASH, "thinking": {"type": "enabled"}},
        warning=("'deepseek-reasoner' was retired", "2026-07-24", "use model='deepseek-flash' instead"),
    ),
    # The Responses API carries thinking as reasoning.effort ('none' is off; section 12).
    Translation(
        "rule:responses.reasoning_effort.alias",
        {"reasoning": {"effort": "medium"}},
        {"reasoning": {"effort": "high"}},
        endpoint="responses",
    ),
    Translation(
        "rule:responses.thinking.chat_switches",
        {"thinking": {"type": "disabled"}},
        {"reasoning": {"effort": "none"}, "thinking": None},
        endpoint="responses",
    ),
    Translation(
        "rule:responses.thinking.chat_switches",
        {"reasoning_effort": "max"},
        {"reasoning": {"effort": "max"}, "reasoning_effort": None},
        endpoint="responses",
    ),
    Translation(
        "rule:model.retired",
        {"model": "deepseek-chat"},
        {"model": FLASH, "reasoning": {"effort": "none"}},
        warning=("'deepseek-chat' was retired", "2026-07-24", "use model='deepseek-flash'"),
        endpoint="responses",
    ),
]


# --------------------------------------------------------------------------------------------
# Exhaustiveness: every guard in the tables has a case

RESPONSE_BODY: dict[str, Any] = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1764000000,
    "model": FLASH,
    "status": "completed",
    "output": [],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
}

ENDPOINT_CASES: list[Case] = [
    Case(
        "endpoint:unserved",
        lambda c: c.post("/embeddings", body={"input": "x"}, cast_to=object),
        "POST /embeddings is not available",
        "embedding provider",
        error=UnsupportedFeatureError,
    ),
    Case(
        "endpoint:unserved",
        lambda c: c.chat.completions.list(),
        "GET /chat/completions is not available",
        "DeepSeek does not store completions",
        error=UnsupportedFeatureError,
    ),
    Case(
        "endpoint:unserved",
        lambda c: c.models.delete("deepseek-flash"),
        "DELETE /models/deepseek-flash",
        "client.models.list()",
        error=UnsupportedFeatureError,
    ),
    Case(
        "endpoint:unserved",
        lambda c: c.get("/fine_tuning/jobs", cast_to=object),
        "GET /fine_tuning/jobs is not available",
        "few-shot",
        error=UnsupportedFeatureError,
    ),
    # The Responses API is stateless (section 12): nothing to retrieve, delete, cancel, list, compact.
    Case(
        "endpoint:unserved",
        lambda c: c.responses.retrieve("resp_1"),
        "GET /responses/resp_1 is not available",
        "keep the Response that create() returned yourself",
        error=UnsupportedFeatureError,
    ),
    Case(
        "endpoint:unserved",
        lambda c: c.responses.delete("resp_1"),
        "DELETE /responses/resp_1 is not available",
        "resend the whole input each turn",
        error=UnsupportedFeatureError,
    ),
    Case(
        "endpoint:unserved",
        lambda c: c.responses.cancel("resp_1"),
        "POST /responses/resp_1/cancel is not available",
        "stream.close()",
        error=UnsupportedFeatureError,
    ),
    Case(
        "endpoint:unserved",
        lambda c: c.responses.input_items.list("resp_1"),
        "GET /responses/resp_1/input_items is not available",
        "keep the input you sent yourself",
        error=UnsupportedFeatureError,
    ),
    Case(
        "endpoint:unserved",
        lambda c: c.responses.compact(model=FLASH, input="hi"),
        "POST /responses/compact is not available",
        "shorten the input yourself",
        error=UnsupportedFeatureError,
    ),
    Case(
        "endpoint:unserved",
        lambda c: c.responses.input_tokens.count(model=FLASH, input="hi"),
        "POST /responses/input_tokens is not available",
        "usage.input_tokens",
        error=UnsupportedFeatureError,
    ),
    Case(
        "endpoint:unserved",
        lambda c: c.beta.responses.retrieve("resp_1"),
        "GET /responses/resp_1 is not available",
        "keep the Response that create() returned yourself",
        error=UnsupportedFeatureError,
    ),
    Case(
        "endpoint:unserved_method",
        lambda c: c.responses.connect(),
        "client.responses.connect()",
        "client.responses.create(..., stream=True)",
        error=UnsupportedFeatureError,
    ),
    Case(
        "endpoint:unserved_method",
        lambda c: c.beta.responses.connect(),
        "client.beta.responses.connect()",
        "client.responses.stream(...)",
        error=UnsupportedFeatureError,
    ),
    Case("endpoint:beta_only", fim(beta=False), "sent to the standard base URL", "fim_complete()"),
    Case(
        "endpoint:foreign",
        lambda c: c.get("https://example.com/models", cast_to=object),
        "https://example.com/models is outside this client's base URLs",
        "separate HTTP client",
        error=UnsupportedFeatureError,
    ),
]

CASES: list[Case] = [*_namespace_cases(), *REQUEST_CASES, *ENDPOINT_CASES]

_POLICIES = [
    Policy(guard_mode=mode, retired=retired, history=history)  # type: ignore[arg-type]
    for mode, retired, history in itertools.product(
        ("strict", "warn", "off"), ("translate", "error"), ("backfill", "error", "off")
    )
]


def _can_refuse(rule: Any) -> bool:
    return any(rule.action(p) is Action.REFUSE for p in _POLICIES)


def test_every_rule_row_has_a_case() -> None:
    refusing = {f"rule:{r.id}" for r in RULES if _can_refuse(r)}
    translating = {f"rule:{r.id}" for r in RULES if not _can_refuse(r)}
    covered = {c.key for c in CASES if c.key.startswith("rule:")}
    assert refusing - covered == set(), "rows that refuse without a case in the walk"
    assert covered - refusing == set(), "cases for rows that no longer exist (or never refuse)"
    assert translating - {t.key for t in TRANSLATIONS} == set(), "translating rows without a case"
    assert len(RULES) == len({r.id for r in RULES}), "two rows share an id"
    assert len(refusing) > 55


def test_every_namespace_and_endpoint_refusal_has_a_case() -> None:
    namespaces = {f"namespace:{c.key.split(':', 1)[1]}" for c in _namespace_cases()}
    assert namespaces <= {c.key for c in CASES}
    assert {c.key for c in ENDPOINT_CASES} == {
        "endpoint:unserved",
        "endpoint:beta_only",
        "endpoint:foreign",
        "endpoint:unserved_method",
    }
    # every method refused per namespace (they open WebSockets, so the seam never sees them)
    methods = {f"client.{ns}.{m.name}()" for ns, rows in UNSERVED_METHODS.items() for m in rows}
    covered = {c.what for c in ENDPOINT_CASES if c.key == "endpoint:unserved_method"}
    assert methods <= covered


# --------------------------------------------------------------------------------------------
# The walk


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.key}:{c.what[:30]}")
def test_every_guard_says_what_why_and_fix(
    case: Case, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case.lacks is not None:
        flash = MODELS[FLASH]
        row = dataclasses.replace(flash, id=LACKING, features=flash.features - {case.lacks})
        monkeypatch.setitem(MODELS, LACKING, row)
    # strict mode: every row that can refuse does (the default mode's choices: tests/guards/test_modes.py)
    client = sync_client(recorder, **{"guard_mode": "strict", **case.client})
    with pytest.raises((DeepSeekRequestError, UnsupportedFeatureError)) as info:
        drive_sync(case.call(client))
    exc = info.value
    assert type(exc) is case.error
    assert recorder.requests == [], "a refused request reached the network"
    # the guard that fired is the one this case is about
    if case.key.startswith("rule:"):
        assert f"rule:{exc.rule}" == case.key
    else:
        assert exc.rule is None
    # what: names the parameter or feature
    assert case.what in exc.what
    # why: DeepSeek's rule and the date of the document it comes from
    assert len(exc.why) > 20
    assert exc.source is not None
    match = DATED.search(str(exc))
    assert match is not None, str(exc)
    assert match["date"] == exc.source.date.isoformat()
    if case.key.startswith("namespace:"):
        assert "as of 2026-" in exc.why
    # fix: the exact remedy
    assert case.fix in exc.fix
    assert str(exc).endswith(f"Fix: {exc.fix}")


def _form_fields(request: Any) -> dict[str, str]:
    """The text fields of a multipart/form-data request."""
    fields = re.findall(rb'name="([^"]+)"\r\n\r\n(.*?)\r\n--', request.content, re.S)
    return {name.decode(): value.decode() for name, value in fields}


@pytest.mark.parametrize("case", TRANSLATIONS, ids=lambda t: t.key)
def test_every_translation_sends_deepseeks_equivalent(case: Translation, recorder: Recorder) -> None:
    client = sync_client(recorder, **case.client)
    if case.endpoint == "responses":
        recorder.default = lambda req: httpx2.Response(200, json=RESPONSE_BODY)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.call is not None:
            case.call(client)
        else:
            (responses if case.endpoint == "responses" else chat)(**case.kwargs)(client)
    body = recorder.last_json() if case.call is None else _form_fields(recorder.last)
    if case.call is None:
        default = "/responses" if case.endpoint == "responses" else "/chat/completions"
        assert recorder.last.url.path == (case.path or default)
    for key, value in case.sent.items():
        if value is None:
            assert key not in body
        else:
            assert body[key] == value
    deprecations = [w for w in caught if issubclass(w.category, RetiredModelWarning)]
    if case.warning is None:
        assert deprecations == []
        return
    assert len(deprecations) == 1
    message = str(deprecations[0].message)
    assert deprecations[0].filename == __file__  # points at the user's line
    for part in case.warning:
        assert part in message, (part, message)
