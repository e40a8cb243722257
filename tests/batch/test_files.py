"""The files of a bulk job: OpenAI Batch lines in, OpenAI Batch lines out, torn lines, the id index."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from deepseek_openai import DeepSeekRequestError
from deepseek_openai._batch_io import (
    IdIndex,
    Writer,
    error_line,
    parse_line,
    response_line,
    route,
    tally,
)

OPENAI_LINE = {
    # The example line of OpenAI's Batch guide, as a user would have it.
    "custom_id": "request-1",
    "method": "POST",
    "url": "/v1/chat/completions",
    "body": {
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Hello world!"},
        ],
        "max_tokens": 1000,
    },
}


def test_an_openai_batch_line_parses_and_the_model_can_be_replaced() -> None:
    line = parse_line(json.dumps(OPENAI_LINE), 1)
    assert (line.custom_id, line.method, line.line) == ("request-1", "POST", 1)
    assert line.route.path == "/chat/completions"
    assert line.model == "gpt-4o-mini"
    replaced = parse_line(OPENAI_LINE, None, model="deepseek-flash")
    assert replaced.model == "deepseek-flash"
    assert OPENAI_LINE["body"]["model"] == "gpt-4o-mini"  # type: ignore[index]  # the input is not changed


@pytest.mark.parametrize(
    ("url", "path", "kind", "beta"),
    [
        ("/v1/chat/completions", "/chat/completions", "chat", False),
        ("/chat/completions", "/chat/completions", "chat", False),
        ("/v1/responses", "/responses", "responses", False),
        # OpenAI's legacy completions are DeepSeek's FIM, which only the beta URL serves.
        ("/v1/completions", "/completions", "fim", True),
        ("/v1/embeddings", "/embeddings", "other", False),
    ],
)
def test_batch_urls_map_to_deepseek_paths(url: str, path: str, kind: str, beta: bool) -> None:
    found = route(url)
    assert (found.path, found.kind, found.beta) == (path, kind, beta)


@pytest.mark.parametrize(
    ("item", "says"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ({"method": "POST", "url": "/v1/chat/completions", "body": {}}, "no custom_id"),
        ({"custom_id": "", "body": {}}, "no custom_id"),
        ({"custom_id": "a", "body": "text"}, "no body object"),
        ({"custom_id": "a", "url": 3, "body": {}}, "not a string"),
    ],
)
def test_a_line_that_is_not_a_batch_request_is_refused_with_the_fix(item: object, says: str) -> None:
    with pytest.raises(DeepSeekRequestError) as caught:
        parse_line(item, 7)
    assert says in str(caught.value)
    assert "Fix:" in str(caught.value)


def test_output_lines_have_openai_batch_output_shape() -> None:
    ok = json.loads(response_line("r1", {"object": "chat.completion"}, "trace-1"))
    assert set(ok) == {"id", "custom_id", "response", "error"}
    assert ok["id"].startswith("batch_req_")
    assert ok["response"] == {
        "status_code": 200,
        "request_id": "trace-1",
        "body": {"object": "chat.completion"},
    }
    assert ok["error"] is None
    bad = json.loads(error_line("r2", "invalid_request", "no", param="stream"))
    assert bad["response"] is None
    assert bad["error"] == {"code": "invalid_request", "message": "no", "param": "stream"}


def test_the_id_index_is_a_set_of_ids_in_a_flat_array() -> None:
    index = IdIndex()
    ids = [f"request-{i}" for i in range(5000)]
    assert all(index.add(i) for i in ids)
    assert not index.add("request-42")
    assert len(index) == 5000
    assert all(i in index for i in ids)
    assert "request-5000" not in index
    assert 7 not in index
    # 16-32 bytes an id (load factor between 1/4 and 1/2), against ~100 for a set of str.
    assert index.nbytes <= 32 * 5000
    # Stable digests: an index pickled to another process (a Ray worker) still answers.
    again = pickle.loads(pickle.dumps(index))
    assert "request-4999" in again
    assert len(again) == 5000


def test_a_torn_last_line_is_cut_before_appending(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    whole = response_line("a", {"x": 1}, None)
    out.write_bytes(whole + whole[: len(whole) // 2])  # a run killed in the middle of a write
    assert len(tally(out).done) == 1  # reading ignores the torn line
    with Writer(out) as writer:
        writer.write(response_line("b", {"x": 2}, None))
    lines = out.read_bytes().splitlines()
    assert [json.loads(line)["custom_id"] for line in lines] == ["a", "b"]


def test_a_file_of_one_torn_line_is_emptied(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"custom_id": "a", "resp')
    with Writer(out):
        pass
    assert out.read_bytes() == b""


def test_each_line_reaches_the_file_when_written(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    writer = Writer(out, sync_every=3600)
    writer.write(response_line("a", {}, None))
    # Another reader sees it before any close or fsync: a kill now loses nothing.
    assert json.loads(out.read_bytes())["custom_id"] == "a"
    writer.close()
    writer.close()  # idempotent


def test_a_damaged_line_in_the_middle_is_reported_with_its_number(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(response_line("a", {}, None) + b"garbage\n" + response_line("b", {}, None))
    with pytest.raises(DeepSeekRequestError, match="line 2"):
        tally(out)


def test_tally_counts_successes_failures_usage_and_cost(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    usage = {
        "prompt_tokens": 1_000_000,
        "completion_tokens": 1_000_000,
        "total_tokens": 2_000_000,
        "prompt_cache_hit_tokens": 0,
        "prompt_cache_miss_tokens": 1_000_000,
    }
    # A Saturday: off-peak, half of the peak prices (pricing page, 2026-11-15).
    saturday = int(dt.datetime(2026, 11, 14, 12, tzinfo=dt.UTC).timestamp())
    body = {"model": "deepseek-flash", "created": saturday, "usage": usage}
    error_body = {"error": {"message": "bad", "type": "invalid_request_error"}}
    out.write_bytes(
        response_line("a", body, None)
        + response_line("b", error_body, None, status=400)
        + error_line("c", "refused", "not sent")
    )
    found = tally(out)
    assert (found.succeeded, found.failed, len(found.done)) == (1, 2, 3)
    assert found.failures == {"400": 1, "refused": 1}
    assert found.usage.total_tokens == 2_000_000
    # Flash off-peak: 0.15 per 1M cache-miss input + 0.60 per 1M output.
    assert found.cost == Decimal("0.75")
    assert os.path.getsize(out) > 0
