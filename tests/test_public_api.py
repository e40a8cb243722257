"""One public contract: ``deepseek_openai.__all__``, the lazy-import map and the TYPE_CHECKING block agree,
every public function's types are themselves public, and nothing else is (modules are private)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import typing
from pathlib import Path

import deepseek_openai

INIT = Path(deepseek_openai.__file__)
LITERAL_ALIASES = {"Effort", "GuardMode", "HistoryPolicy", "RetiredModelPolicy"}


def _type_checking_names() -> set[str]:
    tree = ast.parse(INIT.read_text())
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return {alias.asname or alias.name for imp in node.body for alias in imp.names}  # type: ignore[attr-defined]
    raise AssertionError("no TYPE_CHECKING block in __init__.py")


def test_all_the_lazy_map_and_the_type_checking_block_agree() -> None:
    all_names = set(deepseek_openai.__all__)
    lazy = set(deepseek_openai._LAZY)
    assert all_names == lazy | {"__version__"}
    assert _type_checking_names() == lazy
    assert len(deepseek_openai.__all__) == len(all_names), "a name listed twice"
    for name, module in deepseek_openai._LAZY.items():
        assert getattr(importlib.import_module(f"deepseek_openai.{module}"), name) is getattr(
            deepseek_openai, name
        )


def test_every_module_but_testing_is_private() -> None:
    public = [m.name for m in pkgutil.iter_modules(deepseek_openai.__path__) if not m.name.startswith("_")]
    assert public == ["testing"]


def _own_hints(obj: object) -> list[object]:
    module = importlib.import_module(obj.__module__)
    hints: list[object] = []
    targets: list[object] = [obj]
    if inspect.isclass(obj):
        targets = [m for m in vars(obj).values() if inspect.isfunction(m) and not m.__name__.startswith("_")]
        targets += [m.fget for m in vars(obj).values() if isinstance(m, property)]
        if "__annotations__" in vars(obj):
            targets.append(obj)
    for target in targets:
        try:
            hints += list(typing.get_type_hints(target, vars(module)).values())
        except NameError:  # annotations naming openai internals (inherited signatures)
            continue
    return hints


def _package_types(tp: object) -> set[str]:
    found: set[str] = set()
    for arg in typing.get_args(tp):
        found |= _package_types(arg)
    if isinstance(tp, type) and tp.__module__.startswith("deepseek_openai"):
        found.add(tp.__name__)
    return found


def test_the_types_public_functions_take_and_return_are_public() -> None:
    exported = set(deepseek_openai.__all__)
    for name in deepseek_openai.__all__:
        value = getattr(deepseek_openai, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        for hint in _own_hints(value):
            assert _package_types(hint) <= exported, (name, hint)
    assert exported >= LITERAL_ALIASES


def test_private_modules_declare_no_public_contract_of_their_own() -> None:
    for module in pkgutil.iter_modules(deepseek_openai.__path__):
        if module.name.startswith("_") and module.name not in ("__init__", "__main__", "_openai_compat"):
            loaded = importlib.import_module(f"deepseek_openai.{module.name}")
            assert not hasattr(loaded, "__all__"), module.name
