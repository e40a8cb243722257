"""The files of a bulk job: OpenAI Batch JSONL in, OpenAI Batch JSONL out, read and written as they go.

Input lines are OpenAI's Batch request format (``custom_id``, ``method``, ``url``, ``body``), so a
file prepared for OpenAI's Batch API runs unchanged. Output lines are OpenAI's Batch output format
(``id``, ``custom_id``, ``response`` with ``status_code``, ``request_id`` and ``body``, or ``error``),
one line per finished request, appended as it finishes. Nothing here holds a file in memory: the
input is read line by line, the output appended line by line, and the set of finished ids is kept as
64-bit digests (:class:`IdIndex`, 16 bytes a line) so a million-line job stays small.

A run that dies (SIGKILL, power loss) may leave a torn last line; :class:`Writer` cuts it off before
appending, so the file always parses and a rerun skips exactly the lines that are whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import uuid
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from ._errors import DeepSeekRequestError
from ._usage import UsageSummary, estimate_cost, usage_summary

# --------------------------------------------------------------------------------------------
# Requests in


@dataclass(frozen=True, slots=True)
class Route:
    """Where a Batch ``url`` goes on DeepSeek and what its answer is parsed as."""

    path: str
    """The path under the client's base URL (``/v1`` dropped: it is an alias of the root)."""
    kind: str
    """``chat``, ``responses``, ``fim`` or ``other`` (sent as given, answer kept as JSON)."""
    beta: bool = False
    """Sent through the client's beta twin (DeepSeek serves ``/completions`` only there)."""


ROUTES: Final[dict[str, Route]] = {
    "/chat/completions": Route("/chat/completions", "chat"),
    "/responses": Route("/responses", "responses"),
    # OpenAI's legacy text completions are DeepSeek's FIM completions, served on the beta URL only.
    "/completions": Route("/completions", "fim", beta=True),
}


def route(url: str) -> Route:
    """The route of a Batch line's ``url`` (``/v1/chat/completions``, ``/chat/completions``, ...)."""
    path = url.split("?", 1)[0]
    if not path.startswith("/"):
        path = "/" + path
    if path.startswith("/v1/"):
        path = path[len("/v1") :]
    return ROUTES.get(path.rstrip("/"), Route(path, "other"))


@dataclass(frozen=True, slots=True)
class BatchLine:
    """One request of a bulk job."""

    custom_id: str
    method: str
    url: str
    body: dict[str, Any]
    line: int | None = None
    """1-based line number in the input file (``None`` for requests given from code)."""

    @property
    def route(self) -> Route:
        return route(self.url)

    @property
    def model(self) -> str | None:
        model = self.body.get("model")
        return model if isinstance(model, str) else None


_FORMAT_FIX = (
    'write one JSON object per line: {"custom_id": "request-1", "method": "POST", "url": '
    '"/v1/chat/completions", "body": {"model": "deepseek-flash", "messages": [...]}} (OpenAI\'s Batch '
    "input format)"
)


def _where(line: int | None) -> str:
    return f"line {line}" if line is not None else "a request"


def parse_line(item: object, line: int | None = None, *, model: str | None = None) -> BatchLine:
    """A :class:`BatchLine` from a JSONL line (``str``/``bytes``) or a request dict.

    ``model`` replaces each body's model (to run a file written for OpenAI's models unchanged).
    Raises :class:`~deepseek_openai.DeepSeekRequestError` for anything that is not a Batch request.
    """
    obj = item
    if isinstance(item, str | bytes):
        try:
            obj = json.loads(item)
        except ValueError as exc:
            raise DeepSeekRequestError(
                f"{_where(line)} of the input is not JSON ({exc})",
                why="a Batch input file has one JSON object per line",
                fix=_FORMAT_FIX,
                param="input",
            ) from None
    if not isinstance(obj, Mapping):
        raise DeepSeekRequestError(
            f"{_where(line)} of the input is a {type(obj).__name__}, not a JSON object",
            why="each Batch request is an object with custom_id, method, url and body",
            fix=_FORMAT_FIX,
            param="input",
        )
    custom_id = obj.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        raise DeepSeekRequestError(
            f"{_where(line)} of the input has no custom_id (got {custom_id!r})",
            why="the custom_id matches each result to its request and tells a rerun what is done",
            fix="give every request a unique, non-empty string custom_id",
            param="custom_id",
        )
    body = obj.get("body")
    if not isinstance(body, Mapping):
        raise DeepSeekRequestError(
            f"request {custom_id!r} ({_where(line)}) has no body object",
            why="the body is the JSON the endpoint receives (model, messages, ...)",
            fix=_FORMAT_FIX,
            param="body",
        )
    url = obj.get("url", "/v1/chat/completions")
    method = obj.get("method", "POST")
    if not isinstance(url, str) or not isinstance(method, str):
        raise DeepSeekRequestError(
            f"request {custom_id!r} ({_where(line)}) has a method or url that is not a string",
            why="method and url name the endpoint, as in OpenAI's Batch input format",
            fix='use "method": "POST" and "url": "/v1/chat/completions" (or "/v1/responses")',
            param="url",
        )
    new_body = dict(body)
    if model is not None:
        new_body["model"] = model
    return BatchLine(custom_id, method.upper(), url, new_body, line)


def read_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, line) for each non-blank line of a file, read as it goes."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if raw.strip():
                yield number, raw


# --------------------------------------------------------------------------------------------
# The set of ids already seen


class IdIndex:
    """A set of ``custom_id`` s kept as stable 64-bit digests in one flat array (about 16 bytes an id).

    A Python ``set`` of the ids costs 90-150 bytes each; this keeps a million-line job's memory flat.
    Two different ids share a digest with probability about n²/2⁶⁵ (3 in 100 million at a
    million lines). The digests are stable across processes, so an index built by a driver can be
    sent to Ray workers.
    """

    __slots__ = ("_count", "_mask", "_table")

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._table = array("Q", bytes(8 * 1024))
        self._mask = 1023
        self._count = 0
        for custom_id in ids:
            self.add(custom_id)

    @staticmethod
    def _key(custom_id: str) -> int:
        digest = hashlib.blake2b(custom_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        return int.from_bytes(digest, "little") or 1  # 0 marks an empty slot

    def _slot(self, key: int) -> int:
        table, mask = self._table, self._mask
        index = key & mask
        while True:
            found = table[index]
            if found in (key, 0):
                return index
            index = (index + 1) & mask

    def add(self, custom_id: str) -> bool:
        """Add an id; ``False`` if it was there already."""
        key = self._key(custom_id)
        index = self._slot(key)
        if self._table[index] == key:
            return False
        self._table[index] = key
        self._count += 1
        if self._count * 2 > self._mask:
            self._grow()
        return True

    def _grow(self) -> None:
        old = self._table
        self._table = array("Q", bytes(16 * len(old)))
        self._mask = len(self._table) - 1
        for key in old:
            if key:
                self._table[self._slot(key)] = key

    def __contains__(self, custom_id: object) -> bool:
        if not isinstance(custom_id, str):
            return False
        key = self._key(custom_id)
        return self._table[self._slot(key)] == key

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        """Memory held by the table."""
        return self._table.itemsize * len(self._table)


# --------------------------------------------------------------------------------------------
# Results out


def _dumps(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def _line_id() -> str:
    return f"batch_req_{uuid.uuid4().hex}"


def response_line(custom_id: str, body: object, request_id: str | None, status: int = 200) -> bytes:
    """An output line for a request the server answered (OpenAI's ``response`` object), 200 or not."""
    return _dumps(
        {
            "id": _line_id(),
            "custom_id": custom_id,
            "response": {"status_code": status, "request_id": request_id, "body": body},
            "error": None,
        }
    )


def error_line(custom_id: str, code: str, message: str, **extra: object) -> bytes:
    """An output line for a request that failed before or without an HTTP answer (OpenAI's ``error``)."""
    error: dict[str, object] = {"code": code, "message": message}
    error.update({k: v for k, v in extra.items() if v is not None})
    return _dumps({"id": _line_id(), "custom_id": custom_id, "response": None, "error": error})


class Writer:
    """Appends output lines, each written whole at once (no buffer), and fsyncs them now and then.

    A line reaches the operating system as soon as its request finishes, so killing the process
    loses nothing written; the fsyncs (every ``sync_every`` seconds, from :meth:`keep_synced`, on
    a thread so the event loop never waits for the disk, and at :meth:`close`) bound what a power
    loss can take. Opening cuts a torn last line left by a run that died mid-write.
    """

    def __init__(self, path: Path, *, sync_every: float = 1.0) -> None:
        self.path = path
        self.sync_every = sync_every
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        self._cut_torn_tail()
        self._dirty = False
        self._pending: Any = None  # the fsync running on a thread, if any

    def _cut_torn_tail(self) -> None:
        size = os.fstat(self._fd).st_size
        if size == 0:
            return
        end = size
        step = 4096
        while end > 0:
            start = max(0, end - step)
            chunk = os.pread(self._fd, end - start, start)
            if end == size and chunk.endswith(b"\n"):
                return
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                os.ftruncate(self._fd, start + cut + 1)
                return
            end = start
        os.ftruncate(self._fd, 0)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self._dirty = True

    def sync(self) -> None:
        if self._dirty and self._fd >= 0:
            self._dirty = False
            os.fsync(self._fd)

    async def keep_synced(self) -> None:
        """Fsync every ``sync_every`` seconds while lines come in (run as a task; cancel it to stop)."""
        import asyncio

        while True:
            await asyncio.sleep(self.sync_every)
            if self._dirty and self._fd >= 0:
                self._dirty = False
                self._pending = asyncio.ensure_future(asyncio.to_thread(os.fsync, self._fd))
                await asyncio.shield(self._pending)

    async def aclose(self) -> None:
        """:meth:`close`, once an fsync still running on its thread is over (it uses the descriptor)."""
        pending = self._pending
        if pending is not None:
            with contextlib.suppress(Exception):
                await pending
        self.close()

    def close(self) -> None:
        if self._fd < 0:
            return
        try:
            self.sync()
        finally:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------------------------
# Reading results back


def responses_usage(usage: Mapping[str, Any]) -> dict[str, Any]:
    """A Responses API usage object in the Chat Completions names :func:`usage_summary` reads."""
    inputs = usage.get("input_tokens") or 0
    outputs = usage.get("output_tokens") or 0
    details = usage.get("input_tokens_details") or {}
    out_details = usage.get("output_tokens_details") or {}
    return {
        "prompt_tokens": inputs,
        "completion_tokens": outputs,
        "total_tokens": usage.get("total_tokens", inputs + outputs),
        "prompt_tokens_details": {"cached_tokens": details.get("cached_tokens")},
        "completion_tokens_details": {"reasoning_tokens": out_details.get("reasoning_tokens")},
    }


def body_usage(body: object) -> dict[str, Any] | None:
    """The usage of a response body (chat, FIM or Responses), in Chat Completions names, or ``None``."""
    if not isinstance(body, Mapping):
        return None
    usage = body.get("usage")
    if not isinstance(usage, Mapping):
        return None
    if "input_tokens" in usage or "output_tokens" in usage:
        return responses_usage(usage)
    return dict(usage)


def body_time(body: Mapping[str, Any]) -> dt.datetime | None:
    """When the server made the answer (``created`` / ``created_at``), which sets its price window."""
    for key in ("created", "created_at"):
        value = body.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return dt.datetime.fromtimestamp(value, dt.UTC)
    return None


ZERO_USAGE: Final = UsageSummary(0, 0, 0, 0, 0, 0)


def priced(body: object, model: str | None) -> tuple[UsageSummary, Decimal | None]:
    """The usage of an answer and its cost (``None`` when it cannot be priced)."""
    usage = body_usage(body)
    if usage is None:
        return ZERO_USAGE, Decimal(0)
    try:
        summary = usage_summary(usage)
    except DeepSeekRequestError:
        return ZERO_USAGE, None
    name = model
    if name is None and isinstance(body, Mapping) and isinstance(body.get("model"), str):
        name = body["model"]
    if name is None:
        return summary, None
    try:
        when = body_time(body) if isinstance(body, Mapping) else None
        return summary, estimate_cost(summary, name, at=when or dt.datetime.now(dt.UTC))
    except DeepSeekRequestError:
        return summary, None


@dataclass
class Tally:
    """What an output file holds: which ids are done, how many succeeded and failed, and the spend."""

    done: IdIndex = field(default_factory=IdIndex)
    succeeded: int = 0
    failed: int = 0
    usage: UsageSummary = ZERO_USAGE
    cost: Decimal = Decimal(0)
    unpriced: int = 0
    """Answered requests whose cost is unknown (a model the catalogue has no prices for)."""
    failures: dict[str, int] = field(default_factory=dict)
    """Failed lines by status code or error code."""

    def add(self, record: Mapping[str, Any]) -> None:
        custom_id = record.get("custom_id")
        if isinstance(custom_id, str):
            self.done.add(custom_id)
        response = record.get("response")
        if isinstance(response, Mapping) and response.get("status_code") == 200:
            self.succeeded += 1
            usage, cost = priced(response.get("body"), None)
            self.usage = self.usage + usage
            if cost is None:
                self.unpriced += 1
            else:
                self.cost += cost
            return
        self.failed += 1
        if isinstance(response, Mapping):
            code = str(response.get("status_code"))
        else:
            error = record.get("error")
            code = str(error.get("code")) if isinstance(error, Mapping) else "unknown"
        self.failures[code] = self.failures.get(code, 0) + 1


def tally(path: Path, into: Tally | None = None) -> Tally:
    """Read an output file (streaming) into a :class:`Tally`; a torn last line is ignored."""
    result = into if into is not None else Tally()
    if not path.exists():
        return result
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except ValueError:
                if not raw.endswith(b"\n"):
                    break  # a torn last line: the writer cuts it before appending
                raise DeepSeekRequestError(
                    f"line {number} of {path} is not JSON",
                    why="the output file is rewritten only by appending whole lines, so this line was "
                    "changed by something else",
                    fix=f"remove or repair line {number}, then run again (finished lines are kept)",
                    param="output",
                ) from None
            if isinstance(record, Mapping):
                result.add(record)
    return result


# --------------------------------------------------------------------------------------------
# The job's state beside its output


def state_path(output: Path) -> Path:
    """``OUT.jsonl`` -> ``OUT.jsonl.state.json``: what ``batch status`` needs beyond the output."""
    return output.with_name(output.name + ".state.json")


def write_state(output: Path, **fields: object) -> None:
    """Merge ``fields`` into the state file, replaced atomically (never half-written)."""
    path = state_path(output)
    state = read_state(output)
    state.update(fields)
    state["updated"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_state(output: Path) -> dict[str, Any]:
    path = state_path(output)
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    return {}
