"""The conversation ``deepseek-openai chat`` holds on a terminal: a prompt, an answer, and again.

Line editing comes from the standard library's :mod:`readline` where it exists. A line ending in
``\\`` continues on the next one. Ctrl-C while an answer streams stops that answer (it is not kept
in the history) and Ctrl-C at the prompt clears the line; Ctrl-D (or ``/exit``) leaves. An API
error ends the turn, not the conversation. Standard library only at import time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._common import EXIT_OK, cli_terms, interrupted
from ._explain import describe

if TYPE_CHECKING:
    from ._chat import Session

HELP = """commands:
  /reset            forget the conversation (the --system message stays)
  /model [NAME]     show or change the model (deepseek-flash, deepseek-v4-pro)
  /think [on|off|low|high|max]
                    show or change thinking: on, off, or on with that effort
  /help             this list
  /exit             leave (or Ctrl-D)
a line ending in \\ continues on the next line; Ctrl-C stops an answer."""


class Repl:
    """Reads turns from the terminal and answers them, keeping the history in the session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.out = session.out
        self.commands: dict[str, Callable[[str], bool]] = {
            "/reset": self._reset,
            "/model": self._model,
            "/think": self._think,
            "/help": self._help,
            "/exit": self._exit,
            "/quit": self._exit,
        }
        with contextlib.suppress(ImportError):  # Windows has none
            import readline  # noqa: F401  (line editing and history for input(), where available)
        # openai imports its chat resources on first use: do it now, so the first answer is not slower
        # and a Ctrl-C during the first turn lands in the request, not in the middle of an import.
        _ = session.base.chat.completions

    def run(self) -> int:
        self.out.note(f"{self._state()}. /help for commands, Ctrl-D to leave.")
        while True:
            try:
                text = self._read()
            except EOFError:
                self.out.line()
                return EXIT_OK
            except KeyboardInterrupt:
                self.out.line()
                continue
            if text is None:
                continue
            if text.startswith("/"):
                if not self._command(text):
                    return EXIT_OK
                continue
            self._turn(text)

    # -- input ----------------------------------------------------------------------------------

    def _prompt(self, first: bool) -> str:
        mark = "> " if first else ". "
        if self.out.color:  # \001 and \002 tell readline the escapes take no room
            return f"\001\x1b[1m\002{mark}\001\x1b[0m\002"
        return mark

    def _read(self) -> str | None:
        """One turn's text (continued lines joined), or None for nothing to send."""
        lines: list[str] = []
        while True:
            try:
                line = input(self._prompt(not lines))
            except UnicodeDecodeError:
                self.out.notice("that line is not UTF-8 text; type it again")
                return None
            if line.endswith("\\"):
                lines.append(line[:-1])
                continue
            lines.append(line)
            break
        text = "\n".join(lines).strip()
        return text or None

    # -- turns ----------------------------------------------------------------------------------

    def _turn(self, text: str) -> None:
        import openai

        session = self.session
        session.history.append({"role": "user", "content": text})
        try:
            final = session.reply()
        except KeyboardInterrupt:
            session.history.pop()
            self.out.notice("answer stopped; it is not kept in the conversation")
            return
        except openai.OpenAIError as exc:
            session.history.pop()
            self.out.error(describe(exc, session.args))
            return
        except Exception as exc:
            if not interrupted(exc):
                raise
            session.history.pop()
            self.out.notice("answer stopped; it is not kept in the conversation")
            return
        session.history.append(final.to_message())
        session._finish_notice(final)
        if session.args.usage:
            from ._chat import print_usage

            print_usage(self.out, final.usage, session.model)

    # -- commands -------------------------------------------------------------------------------

    def _command(self, text: str) -> bool:
        """Run a /command; False means leave."""
        name, _, rest = text.partition(" ")
        handler = self.commands.get(name.lower())
        if handler is None:
            self.out.notice(f"unknown command {name}; /help lists them")
            return True
        return handler(rest.strip())

    def _state(self) -> str:
        s = self.session
        if s.thinking is False:
            thinking = "thinking off"
        elif s.effort:
            thinking = f"thinking on, effort {s.effort}"
        else:
            thinking = "thinking on" + (" (server default)" if s.thinking is None else "")
        turns = sum(1 for m in s.history if m["role"] == "user")
        history = f", {turns} turn{'s' if turns != 1 else ''} so far" if turns else ""
        return f"{s.model}, {thinking}{history}"

    def _reset(self, rest: str) -> bool:
        self.session.history = self.session._fresh()
        self.out.note(
            "conversation cleared" + (" (the --system message stays)" if self.session.args.system else "")
        )
        return True

    def _model(self, rest: str) -> bool:
        if not rest:
            self.out.note(self._state())
            return True
        from deepseek_openai._catalogue import resolve_model

        resolved: Any = resolve_model(rest)
        self.session.model = rest
        if resolved.info is None:
            self.out.notice(f"{rest} is not in this package's catalogue; it is sent as typed")
        self.out.note(self._state())
        return True

    def _think(self, rest: str) -> bool:
        choice = rest.lower()
        session = self.session
        if choice in ("on", "yes", "true"):
            session.thinking, session.effort = True, None
        elif choice in ("off", "no", "false", "none"):
            session.thinking, session.effort = False, None
        elif choice in ("low", "high", "max"):
            session.thinking, session.effort = True, choice
        elif choice:
            self.out.notice(cli_terms(f"/think takes on, off, low, high or max, not {rest!r}"))
            return True
        self.out.note(self._state())
        return True

    def _help(self, rest: str) -> bool:
        self.out.note(HELP)
        return True

    def _exit(self, rest: str) -> bool:
        return False
