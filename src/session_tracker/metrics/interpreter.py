"""Which Python runs the zero-config checks: the project's, never session-tracker's own.

session-tracker is usually installed on its own (pipx, ``uv tool install``), so the interpreter
running it has none of the project's test tools. The project's interpreter is, in order:

1. ``[metrics] python`` (``.sessions/local/config.toml`` overrides ``.sessions/config.toml``):
   a path (relative to the project root) or a command name looked up on PATH; one that does
   not exist is an error naming the key and the file that set it;
2. the active virtual environment, ``$VIRTUAL_ENV``;
3. the project's ``.venv/`` or ``venv/``;
4. what uv, Poetry, Hatch or PDM report for the project — asked only when the tool is on PATH
   and the project uses it (its lock file or ``[tool.<name>]`` table); nothing is installed
   or created (Hatch's ``env find`` and PDM's ``info --python`` only print);
5. ``python3`` on PATH (last, the interpreter running session-tracker).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from session_tracker.errors import TrackerError

_BIN = "Scripts" if os.name == "nt" else "bin"
_EXE = "python.exe" if os.name == "nt" else "python"


@dataclass(frozen=True)
class Interpreter:
    """The chosen interpreter.

    Attributes:
        path: absolute path (or the command name when it came from PATH).
        source: where it came from, for people: ``[metrics] python (.sessions/config.toml)``,
            ``$VIRTUAL_ENV``, ``.venv/``, ``venv/``, ``uv``, ``poetry``, ``hatch``, ``pdm``,
            ``python3 on PATH``, ``session-tracker's own``.
    """

    path: str
    source: str

    def describe(self) -> str:
        """``/p/.venv/bin/python (.venv/)``: the one line `metrics run` prints."""
        return f"{self.path} ({self.source})"


def _in_env(env_dir: str) -> str | None:
    path = os.path.join(env_dir, _BIN, _EXE)
    return path if os.path.exists(path) else None


def configured(root: str, value: str, origin: str) -> Interpreter:
    """``[metrics] python = value`` as an :class:`Interpreter`.

    Raises:
        TrackerError: the interpreter does not exist; the message names the key and ``origin``.
    """
    if os.path.isabs(value) or "/" in value or os.sep in value:
        path = value if os.path.isabs(value) else os.path.join(root, value)
        found = path if os.path.exists(path) else None
    else:
        found = shutil.which(value)
    if found is None:
        raise TrackerError(
            f"[metrics] python = {value!r} (in {origin}) does not exist",
            f"fix or remove the key in {origin}; without it the project's virtual environment is used",
        )
    return Interpreter(found, f"[metrics] python in {origin}")


def pyproject_tool(root: str) -> dict[str, object]:
    """The ``[tool]`` table of the project's ``pyproject.toml``; empty when there is none or it
    does not parse (the checks then run with their defaults)."""
    path = os.path.join(root, "pyproject.toml")
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        with open(path, "rb") as handle:
            tool = tomllib.load(handle).get("tool", {})
    except (OSError, ValueError):
        return {}
    return tool if isinstance(tool, dict) else {}


def _pyproject_tools(root: str) -> set[str]:
    return set(pyproject_tool(root))


def _ask(argv: list[str], root: str, env: Mapping[str, str]) -> str | None:
    """The first line a project tool prints, or None when it fails (10 s at most)."""
    try:
        proc = subprocess.run(argv, cwd=root, env=dict(env), capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    line = proc.stdout.strip().splitlines()[:1]
    return line[0].strip() if proc.returncode == 0 and line else None


def _from_tools(root: str, env: Mapping[str, str]) -> Interpreter | None:
    tools = _pyproject_tools(root)

    def uses(name: str, *files: str) -> bool:
        return name in tools or any(os.path.exists(os.path.join(root, f)) for f in files)

    # Each question only prints: none of these commands creates an environment.
    asks = (
        ("uv", ("uv.lock",), ["python", "find"], False),
        ("poetry", ("poetry.lock",), ["env", "info", "--executable"], False),
        ("hatch", ("hatch.toml",), ["env", "find"], True),
        ("pdm", ("pdm.lock",), ["info", "--python"], False),
    )
    for name, files, args, is_env_dir in asks:
        exe = shutil.which(name)
        if exe is None or not uses(name, *files):
            continue
        answer = _ask([exe, *args], root, env)
        if not answer:
            continue
        path = _in_env(answer) if is_env_dir else answer
        if path and os.path.exists(path):
            return Interpreter(path, name)
    return None


def find(root: str, env: Mapping[str, str], value: object = None, origin: str = ".sessions/config.toml") -> Interpreter:
    """The interpreter for the project at ``root`` (the order is in the module docstring).

    Args:
        env: the environment consulted (``$VIRTUAL_ENV``, ``$PATH`` for the tools).
        value: ``[metrics] python`` ("" or None when not set); ``origin`` the file that set it.
    Raises:
        TrackerError: a configured interpreter that does not exist.
    """
    if isinstance(value, str) and value:
        return configured(root, value, origin)
    venv = env.get("VIRTUAL_ENV")
    if venv:
        path = _in_env(venv)
        if path:
            return Interpreter(path, "$VIRTUAL_ENV")
    for name in (".venv", "venv"):
        path = _in_env(os.path.join(root, name))
        if path:
            return Interpreter(path, name + "/")
    found = _from_tools(root, env)
    if found:
        return found
    on_path = shutil.which("python3", path=env.get("PATH"))
    if on_path:
        return Interpreter(on_path, "python3 on PATH")
    return Interpreter(sys.executable, "session-tracker's own")


__all__ = ["Interpreter", "configured", "find"]
