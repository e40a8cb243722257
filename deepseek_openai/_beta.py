"""Beta features: chat prefix completion and FIM, always sent to the beta base URL.

Both exist only under ``https://api.deepseek.com/beta`` (elsewhere the API answers 400), which is
the usual reason they fail. These helpers always send through ``client.beta_client``, the beta
twin of the given client (same key, settings, policies and connection pool), whatever base URL
the client itself uses.

Sync and async are separate functions (``prefix_complete`` / ``aprefix_complete``,
``fim_complete`` / ``afim_complete``) so each has a plain, precise return type; passing the wrong
kind of client raises a :class:`TypeError` that names the right function.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, overload

from openai import AsyncStream, Stream
from openai.types import Completion
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from ._catalogue import BETA_PAGE
from ._client import AsyncDeepSeek, DeepSeek, require_async, require_sync
from ._errors import DeepSeekRequestError
from ._thinking import call_thinking

_WHY_BETA = "it sends through the client's beta twin (client.beta_client)"


def _sync_client(client: object, func: str) -> DeepSeek:
    return require_sync(client, func, _WHY_BETA)


def _async_client(client: object, func: str) -> AsyncDeepSeek:
    return require_async(client, func, _WHY_BETA)


# --------------------------------------------------------------------------------------------
# Chat prefix completion


def _prefix_request(
    client: DeepSeek | AsyncDeepSeek,
    messages: Iterable[Any],
    prefix: str,
    reasoning_prefix: str | None,
    stop: str | list[str] | None,
    model: str | None,
    kwargs: dict[str, Any],
) -> dict[str, Any]:
    """The ``create()`` keywords for a prefix completion, checked before anything is sent."""
    if not isinstance(prefix, str):
        raise DeepSeekRequestError(
            f"prefix={prefix!r} is not a string",
            why="the prefix is the text the assistant's answer must start with",
            fix='pass a string, e.g. prefix="```python\\n"',
            source=BETA_PAGE,
            param="prefix",
        )
    history = [m if isinstance(m, Mapping) else _message_dict(m) for m in messages]
    if not history:
        raise DeepSeekRequestError(
            "messages is empty",
            why="a prefix completion continues a conversation: it needs at least one user message",
            fix="pass messages=[{'role': 'user', 'content': '...'}]",
            source=BETA_PAGE,
            param="messages",
        )
    if any(m.get("prefix") for m in history):
        raise DeepSeekRequestError(
            "messages already contain a prefix message",
            why="prefix_complete appends the assistant prefix message itself",
            fix="remove the {'prefix': True} message and pass its content as prefix=...",
            source=BETA_PAGE,
            param="messages",
        )
    model = model or client.settings.model
    last: dict[str, Any] = {"role": "assistant", "content": prefix, "prefix": True}
    if reasoning_prefix is not None:
        if not isinstance(reasoning_prefix, str):
            raise DeepSeekRequestError(
                f"reasoning_prefix={reasoning_prefix!r} is not a string",
                why="it is the text the model's reasoning must start with",
                fix="pass a string, or leave it out",
                source=BETA_PAGE,
                param="reasoning_prefix",
            )
        settings = client.settings
        if call_thinking(settings.thinking, settings.reasoning_effort, model, kwargs) is False:
            raise DeepSeekRequestError(
                "reasoning_prefix was given for a call that runs without thinking",
                why="the prefix message carries reasoning_content only in thinking mode",
                fix="drop reasoning_prefix, or turn thinking on for this call "
                "(**thinking_options(True) or client.with_options(thinking=True))",
                source=BETA_PAGE,
                param="reasoning_prefix",
            )
        last["reasoning_content"] = reasoning_prefix
    request: dict[str, Any] = {"model": model, "messages": [*history, last], **kwargs}
    if stop is not None:
        request["stop"] = stop
    return request


def _message_dict(message: Any) -> Mapping[str, Any]:
    from ._reasoning import to_message

    return to_message(message)


@overload
def prefix_complete(
    client: DeepSeek,
    messages: Iterable[Any],
    prefix: str,
    *,
    reasoning_prefix: str | None = None,
    stop: str | list[str] | None = None,
    model: str | None = None,
    stream: Literal[False] = False,
    **kwargs: Any,
) -> ChatCompletion: ...


@overload
def prefix_complete(
    client: DeepSeek,
    messages: Iterable[Any],
    prefix: str,
    *,
    reasoning_prefix: str | None = None,
    stop: str | list[str] | None = None,
    model: str | None = None,
    stream: Literal[True],
    **kwargs: Any,
) -> Stream[ChatCompletionChunk]: ...


def prefix_complete(
    client: DeepSeek,
    messages: Iterable[Any],
    prefix: str,
    *,
    reasoning_prefix: str | None = None,
    stop: str | list[str] | None = None,
    model: str | None = None,
    stream: bool = False,
    **kwargs: Any,
) -> ChatCompletion | Stream[ChatCompletionChunk]:
    """Make the answer start with ``prefix`` (chat prefix completion, beta), and return the completion.

    Appends ``{"role": "assistant", "content": prefix, "prefix": True}`` (with
    ``reasoning_content=reasoning_prefix`` when given: the start of the reasoning, thinking mode
    only) and sends through ``client.beta_client``. The completion holds the continuation only,
    not the prefix. ``model`` defaults to the client's ``settings.model``; other keywords go to
    ``chat.completions.create``. The example from DeepSeek's docs, code without chatter::

        completion = prefix_complete(
            client,
            [{"role": "user", "content": "Please write quick sort code"}],
            prefix="```python\\n",
            stop=["```"],
        )
        code = completion.choices[0].message.content
    """
    ds = _sync_client(client, "prefix_complete")
    request = _prefix_request(ds, messages, prefix, reasoning_prefix, stop, model, kwargs)
    result: ChatCompletion | Stream[ChatCompletionChunk] = ds.beta_client.chat.completions.create(
        stream=stream, **request
    )
    return result


@overload
async def aprefix_complete(
    client: AsyncDeepSeek,
    messages: Iterable[Any],
    prefix: str,
    *,
    reasoning_prefix: str | None = None,
    stop: str | list[str] | None = None,
    model: str | None = None,
    stream: Literal[False] = False,
    **kwargs: Any,
) -> ChatCompletion: ...


@overload
async def aprefix_complete(
    client: AsyncDeepSeek,
    messages: Iterable[Any],
    prefix: str,
    *,
    reasoning_prefix: str | None = None,
    stop: str | list[str] | None = None,
    model: str | None = None,
    stream: Literal[True],
    **kwargs: Any,
) -> AsyncStream[ChatCompletionChunk]: ...


async def aprefix_complete(
    client: AsyncDeepSeek,
    messages: Iterable[Any],
    prefix: str,
    *,
    reasoning_prefix: str | None = None,
    stop: str | list[str] | None = None,
    model: str | None = None,
    stream: bool = False,
    **kwargs: Any,
) -> ChatCompletion | AsyncStream[ChatCompletionChunk]:
    """The async twin of :func:`prefix_complete` (``await aprefix_complete(async_client, ...)``)."""
    ds = _async_client(client, "aprefix_complete")
    request = _prefix_request(ds, messages, prefix, reasoning_prefix, stop, model, kwargs)
    result: ChatCompletion | AsyncStream[ChatCompletionChunk] = await ds.beta_client.chat.completions.create(
        stream=stream, **request
    )
    return result


# --------------------------------------------------------------------------------------------
# FIM


def _fim_request(
    client: DeepSeek | AsyncDeepSeek,
    prompt: str,
    suffix: str | None,
    model: str | None,
    max_tokens: int | None,
    kwargs: dict[str, Any],
) -> dict[str, Any]:
    """The ``completions.create()`` keywords for FIM, checked before anything is sent."""
    if not isinstance(prompt, str):
        raise DeepSeekRequestError(
            f"prompt is a {type(prompt).__name__}",
            why="FIM takes the text before the gap as one string",
            fix="pass prompt='def fib(n):\\n'",
            source=BETA_PAGE,
            param="prompt",
        )
    if suffix is not None and not isinstance(suffix, str):
        raise DeepSeekRequestError(
            f"suffix is a {type(suffix).__name__}",
            why="FIM takes the text after the gap as one string",
            fix="pass a string, or leave suffix out",
            source=BETA_PAGE,
            param="suffix",
        )
    # The FIM rules (max_tokens <= 4096, echo, no thinking, a model with FIM) are rows of the rule
    # table: the beta client's pipeline applies them to this request like to any other.
    model = model or client.settings.model
    request: dict[str, Any] = {"model": model, "prompt": prompt, **kwargs}
    if suffix is not None:
        request["suffix"] = suffix
    if max_tokens is not None:
        request["max_tokens"] = max_tokens
    return request


@overload
def fim_complete(
    client: DeepSeek,
    prompt: str,
    suffix: str | None = None,
    *,
    model: str | None = None,
    max_tokens: int | None = None,
    stream: Literal[False] = False,
    **kwargs: Any,
) -> Completion: ...


@overload
def fim_complete(
    client: DeepSeek,
    prompt: str,
    suffix: str | None = None,
    *,
    model: str | None = None,
    max_tokens: int | None = None,
    stream: Literal[True],
    **kwargs: Any,
) -> Stream[Completion]: ...


def fim_complete(
    client: DeepSeek,
    prompt: str,
    suffix: str | None = None,
    *,
    model: str | None = None,
    max_tokens: int | None = None,
    stream: bool = False,
    **kwargs: Any,
) -> Completion | Stream[Completion]:
    """Fill in the middle between ``prompt`` and ``suffix`` (FIM, beta; thinking is always off).

    Sends ``POST /beta/completions`` through ``client.beta_client``. Checked before sending:
    ``max_tokens`` at most 4096, ``echo`` not with ``suffix`` or ``logprobs``, no thinking.
    ``stream=True`` returns the stream of ``Completion`` chunks. Other keywords (``stop``,
    ``temperature``, ``logprobs``, ...) go to ``completions.create``::

        completion = fim_complete(client, "def fib(a):", "    return fib(a-1) + fib(a-2)", max_tokens=128)
        middle = completion.choices[0].text
    """
    ds = _sync_client(client, "fim_complete")
    request = _fim_request(ds, prompt, suffix, model, max_tokens, kwargs)
    result: Completion | Stream[Completion] = ds.beta_client.completions.create(stream=stream, **request)
    return result


@overload
async def afim_complete(
    client: AsyncDeepSeek,
    prompt: str,
    suffix: str | None = None,
    *,
    model: str | None = None,
    max_tokens: int | None = None,
    stream: Literal[False] = False,
    **kwargs: Any,
) -> Completion: ...


@overload
async def afim_complete(
    client: AsyncDeepSeek,
    prompt: str,
    suffix: str | None = None,
    *,
    model: str | None = None,
    max_tokens: int | None = None,
    stream: Literal[True],
    **kwargs: Any,
) -> AsyncStream[Completion]: ...


async def afim_complete(
    client: AsyncDeepSeek,
    prompt: str,
    suffix: str | None = None,
    *,
    model: str | None = None,
    max_tokens: int | None = None,
    stream: bool = False,
    **kwargs: Any,
) -> Completion | AsyncStream[Completion]:
    """The async twin of :func:`fim_complete`."""
    ds = _async_client(client, "afim_complete")
    request = _fim_request(ds, prompt, suffix, model, max_tokens, kwargs)
    result: Completion | AsyncStream[Completion] = await ds.beta_client.completions.create(
        stream=stream, **request
    )
    return result
