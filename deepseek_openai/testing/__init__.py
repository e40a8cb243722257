"""An offline emulator of the DeepSeek HTTP API, for tests and demos.

``DeepSeekEmulator`` serves the API on a loopback port (it needs the extra:
``pip install 'deepseek-openai[emulator]'``); the scripting types (``Fault``, ``ScriptedReply``,
``ScriptedToolCall``) and ``sample_png`` import without it. ``import deepseek_openai`` never imports
this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._faults import FINISH_REASONS, Fault, ScriptedReply, ScriptedToolCall
from ._samples import sample_png

if TYPE_CHECKING:
    from ._app import RecordedRequest
    from ._server import DeepSeekEmulator

__all__ = [
    "FINISH_REASONS",
    "DeepSeekEmulator",
    "Fault",
    "RecordedRequest",
    "ScriptedReply",
    "ScriptedToolCall",
    "sample_png",
]


def __getattr__(name: str) -> Any:
    # Lazy: Starlette and uvicorn load only when the emulator itself is asked for.
    if name == "DeepSeekEmulator":
        from ._server import DeepSeekEmulator

        return DeepSeekEmulator
    if name == "RecordedRequest":
        from ._app import RecordedRequest

        return RecordedRequest
    raise AttributeError(f"module 'deepseek_openai.testing' has no attribute {name!r}")
