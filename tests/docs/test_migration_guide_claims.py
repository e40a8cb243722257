"""Each runnable snippet of migration_guide.md does what the text around it says, not only runs.

A snippet is found by a fragment of its own code (so the guide can move), run against the emulator
as the reader would run it, and then checked: what it printed, what it left in its variables and
what reached the server. The claims are the guide's words; the figures are ../shared/deepseek-api.md's.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from deepseek_openai import RetiredModelWarning, get_reasoning
from deepseek_openai.testing import DeepSeekEmulator
from tests.cli._util import ROOT

from ._snippets import Snippet, snippets

GUIDE = [s for s in snippets(ROOT / "migration_guide.md") if s.kind == "run"]


def _chat(emu: DeepSeekEmulator) -> list[dict[str, Any]]:
    return [r.json for r in emu.requests if r.path.endswith("/chat/completions")]


Check = Callable[[dict[str, Any], str, DeepSeekEmulator], None]


def _first_request(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    # The swap: an openai.OpenAI, the key from DEEPSEEK_API_KEY, a real answer, thinking on by default.
    import openai

    assert isinstance(ns["client"], openai.OpenAI)
    assert out.strip() == ns["response"].choices[0].message.content.strip() != ""
    [sent] = _chat(emu)
    assert sent["model"] == "deepseek-flash"
    assert get_reasoning(ns["response"]) is not None  # thinking is on by default


def _embeddings(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    # Refused before the network, with what, why (dated) and the fix.
    assert emu.request_count() == 0
    assert "Why:" in out
    assert "Fix:" in out
    assert "embeddings" in out.lower()


def _json_complete(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    assert isinstance(ns["result"].value, dict)  # the answer, parsed (the emulator does not follow the shape)
    sent = _chat(emu)[0]
    assert sent["response_format"] == {"type": "json_object"}
    assert sent["thinking"] == {"type": "disabled"}


def _strict_tool(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    import json

    call = ns["response"].choices[0].message.tool_calls[0]
    assert call.function.name == "record_city"
    assert set(json.loads(call.function.arguments)) == {"name", "country"}
    [request] = [r for r in emu.requests if r.path.endswith("/chat/completions")]
    assert request.path.startswith("/beta/")  # strict tools only mean something on the beta URL


def _forced_tool(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    assert out.strip() == "get_weather"
    [sent] = _chat(emu)
    assert sent["thinking"] == {"type": "disabled"}
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}


def _three_answers(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    sent = _chat(emu)
    assert len(sent) == 3
    assert all("n" not in body for body in sent)


def _user_id(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    sent = _chat(emu)
    assert sent
    assert all(body.get("user_id") == "customer-42" and "user" not in body for body in sent)


def _max_completion_tokens(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    [sent] = _chat(emu)
    assert sent["max_tokens"] == 2000
    assert "max_completion_tokens" not in sent
    assert int(out.strip()) > 0


def _seed(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    assert emu.request_count() == 0
    assert "seed" in out
    assert "Fix:" in out


def _no_tools(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    assert emu.request_count() == 0
    assert "Fix:" in out


def _retired(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    sent = _chat(emu)
    assert [b["model"] for b in sent] == ["deepseek-flash", "deepseek-flash"]
    assert sent[0]["thinking"] == {"type": "disabled"}
    assert get_reasoning(ns["chat"]) is None
    assert get_reasoning(ns["reasoned"])  # thinking on: the reasoning comes back


def _retired_warning(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    [sent] = _chat(emu)
    assert sent["model"] == "deepseek-flash"  # deepseek-chat is translated, not sent (a 400 since 2026-07-24)
    assert any(issubclass(w.category, RetiredModelWarning) for w in ns["caught"])


def _tool_loop(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    sent = _chat(emu)
    assert len(sent) >= 2
    last = sent[-1]
    assistants = [m for m in last["messages"] if m["role"] == "assistant"]
    assert assistants
    assert all("reasoning_content" in m for m in assistants)  # kept for the tools round trip
    assert any(m["role"] == "tool" for m in last["messages"])


def _beta_helpers(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    paths = [r.path for r in emu.requests]
    assert "/beta/chat/completions" in paths
    assert "/beta/completions" in paths
    assert out.strip().splitlines()[-1].rstrip("/").endswith("/beta")
    prefix = next(r.json for r in emu.requests if r.path == "/beta/chat/completions")
    assert prefix["messages"][-1]["prefix"] is True


def _models(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    assert out.strip() == "['deepseek-flash', 'deepseek-v4-pro']"


def _thinking_off(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    # get_client(thinking=False) is what deepseek-chat meant: deepseek-flash with thinking disabled.
    [sent] = _chat(emu)
    assert sent["model"] == "deepseek-flash"
    assert sent["thinking"] == {"type": "disabled"}
    assert out.strip()


def _ask_image(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    # One call sends the picture inline (a data: URL with its sniffed type) in a user message.
    [sent] = _chat(emu)
    [part] = [p for p in sent["messages"][-1]["content"] if p["type"] == "image_url"]
    assert part["image_url"]["url"].startswith("data:image/png;base64,")
    assert sent["thinking"] == {"type": "disabled"}
    assert "image/png" in out  # the emulator's reply says what it read


def _responses(emu: DeepSeekEmulator) -> list[dict[str, Any]]:
    return [r.json for r in emu.requests if r.path.endswith("/responses")]


def _stateless_loop(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    # The second turn resends everything: the first input, the reasoning item, the answer, the question.
    first, second = _responses(emu)
    assert second["input"][: len(first["input"])] == first["input"]
    assert "previous_response_id" not in second
    assert "store" not in second
    kinds = [item.get("type", "message") for item in second["input"]]
    assert kinds[0] == kinds[-1] == "message"
    assert "reasoning" in kinds
    assert second["input"][-1]["content"] == "Its weather?"
    assert out.strip() == ns["second"].output_text.strip() != ""


def _responses_parse(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    # json_schema sent natively, thinking left on (no reasoning.effort 'none').
    [sent] = _responses(emu)
    assert sent["text"]["format"]["type"] == "json_schema"
    assert sent.get("reasoning", {}).get("effort") != "none"
    assert type(ns["parsed"].output_parsed).__name__ == "City"


def _hashed_user_id(ns: dict[str, Any], out: str, emu: DeepSeekEmulator) -> None:
    [sent] = _chat(emu)
    assert sent["user_id"].startswith("u-")
    assert len(sent["user_id"]) == 34
    assert "user" not in sent
    assert "Ada@example.com" not in str(sent)
    assert out.strip() == "True"


CLAIMS: list[tuple[str, Check]] = [
    ("client.embeddings.create(", _embeddings),
    ("json_complete(", _json_complete),
    ('"name": "record_city"', _strict_tool),
    ('tool_choice={"type": "function"', _forced_tool),
    ("async def three_answers", _three_answers),
    ('extra_body={"user_id": "customer-42"}', _user_id),
    ("max_completion_tokens=2000", _max_completion_tokens),
    ("seed=7", _seed),
    ('"name": "noop"', _no_tools),
    ("reasoned = client.chat", _retired),
    ("catch_warnings(record=True)", _retired_warning),
    ("messages.append(to_message(response))", _tool_loop),
    ("prefix_complete(", _beta_helpers),
    ("client.models.list()", _models),
    ("get_client(thinking=False)  # what deepseek-chat meant", _thinking_off),
    ("    .choices[0]\n    .message.content\n)", _thinking_off),
    ("client = get_client()  # DEEPSEEK_API_KEY; openai's http_client", _first_request),
    ('ask_image(client, sample_png(), "What colour is this?")', _ask_image),
    ("items += [*to_input_items(first)", _stateless_loop),
    ("client.responses.parse(model=", _responses_parse),
    ("def user_id_for(email: str) -> str:", _hashed_user_id),
]


def _claim(snippet: Snippet) -> Check | None:
    found = [check for fragment, check in CLAIMS if fragment in snippet.code]
    return found[0] if found else None


def test_every_claim_finds_its_snippet_and_most_snippets_have_one() -> None:
    """A claim whose snippet moved away would check nothing; a new snippet may wait for its claim."""
    stale = [fragment for fragment, _ in CLAIMS if not any(fragment in s.code for s in GUIDE)]
    assert not stale, stale
    claimed = [s for s in GUIDE if _claim(s) is not None]
    assert len(claimed) >= 0.9 * len(GUIDE), [s.id for s in GUIDE if _claim(s) is None]


@pytest.mark.parametrize("snippet", [s for s in GUIDE if _claim(s)], ids=[s.id for s in GUIDE if _claim(s)])
def test_guide_snippet_does_what_the_guide_says(
    snippet: Snippet, deepseek_emulator: DeepSeekEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", deepseek_emulator.api_key)
    monkeypatch.setenv("DEEPSEEK_BASE_URL", deepseek_emulator.base_url)
    namespace: dict[str, Any] = {"__name__": "__snippet__"}
    code = compile(snippet.code, str(snippet.path) + f":{snippet.line}", "exec")
    out = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(out):
        warnings.simplefilter("ignore", RetiredModelWarning)
        exec(code, namespace)
    check = _claim(snippet)
    assert check is not None
    check(namespace, out.getvalue(), deepseek_emulator)
