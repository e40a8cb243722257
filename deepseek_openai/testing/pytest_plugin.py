"""pytest plugin (auto-loaded through the ``pytest11`` entry point): emulator fixtures.

``deepseek_emulator`` is one server per session, reset before every test; ``deepseek_client`` and
``async_deepseek_client`` are DeepSeek clients pointed at it. Nothing here imports Starlette or
uvicorn until a fixture is used, so installing the package without the ``emulator`` extra leaves
pytest untouched; using a fixture then fails with the install command.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

import pytest

if TYPE_CHECKING:
    from deepseek_openai._client import AsyncDeepSeek, DeepSeek
    from deepseek_openai.testing._server import DeepSeekEmulator

#: Retries the client fixtures allow: enough to exercise retry paths, few enough to keep tests quick.
CLIENT_MAX_RETRIES = 2
CLIENT_TIMEOUT = 30.0


def _emulator_class() -> type[DeepSeekEmulator]:
    try:
        from deepseek_openai.testing._server import DeepSeekEmulator
    except ImportError as exc:
        pytest.fail(f"{exc}", pytrace=False)
    return DeepSeekEmulator


@pytest.fixture(scope="session")
def _deepseek_emulator_server() -> Iterator[DeepSeekEmulator]:
    with _emulator_class()() as emulator:
        yield emulator


@pytest.fixture
def deepseek_emulator(_deepseek_emulator_server: DeepSeekEmulator) -> Iterator[DeepSeekEmulator]:
    """A running DeepSeek emulator in a fresh state (one server per session, reset for each test)."""
    _deepseek_emulator_server.reset()
    yield _deepseek_emulator_server
    _deepseek_emulator_server.reset()


@pytest.fixture
def deepseek_client(deepseek_emulator: DeepSeekEmulator) -> Iterator[DeepSeek]:
    """A :class:`deepseek_openai.DeepSeek` client pointed at ``deepseek_emulator``."""
    from deepseek_openai import get_client

    client = get_client(
        api_key=deepseek_emulator.api_key,
        base_url=deepseek_emulator.base_url,
        max_retries=CLIENT_MAX_RETRIES,
        timeout=CLIENT_TIMEOUT,
    )
    with client:
        yield client


def _async_fixture() -> Callable[[Callable[..., Any]], Any]:
    """pytest-asyncio's fixture decorator (works in its strict and auto modes), else a skipping stub."""
    try:
        import pytest_asyncio
    except ImportError:

        def stub(fn: Callable[..., Any]) -> Any:
            @pytest.fixture(name=fn.__name__)
            def unavailable() -> None:
                pytest.skip(f"{fn.__name__} needs pytest-asyncio (pip install pytest-asyncio)")

            return unavailable

        return stub
    return cast(Callable[[Callable[..., Any]], Any], pytest_asyncio.fixture)


@_async_fixture()
async def async_deepseek_client(deepseek_emulator: DeepSeekEmulator) -> AsyncIterator[AsyncDeepSeek]:
    """An :class:`deepseek_openai.AsyncDeepSeek` client pointed at ``deepseek_emulator``."""
    from deepseek_openai import get_async_client

    client = get_async_client(
        api_key=deepseek_emulator.api_key,
        base_url=deepseek_emulator.base_url,
        max_retries=CLIENT_MAX_RETRIES,
        timeout=CLIENT_TIMEOUT,
    )
    async with client:
        yield client
