"""A first run writes what the user chose: `init --preset …` or `[documents] preset`, the session
archive by default. Real CLI runs in a real git repository; the files are listed from disk."""

from __future__ import annotations

from pathlib import Path

from conftest import Cli, snapshot
from session_tracker.core.presets import PRESETS


def _written(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and not p.relative_to(root).as_posix().startswith(".git/"))


def test_init_preset_archive_writes_only_the_archive_and_the_store(repo: Path, cli: Cli) -> None:
    result = cli("init", "--preset", "archive")
    assert result.code == 0, result
    written = [p for p in _written(repo) if p != "README.md"]
    assert written and all(p.startswith(("archive/sessions/", ".sessions/")) for p in written), written
    assert "archive/sessions/SESSION-00001-LOG.md" in written
    assert (repo / ".sessions" / "config.toml").read_text() == '[documents]\npreset = "archive"\n'


def test_the_default_is_the_archive(repo: Path, cli: Cli) -> None:
    assert cli("init").code == 0
    assert cli("task", "add", "Parser").code == 0  # a plan event: the tracker would render now
    assert cli("end").code == 0
    written = [p for p in _written(repo) if p != "README.md"]
    assert all(p.startswith(("archive/sessions/", ".sessions/")) for p in written), written
    assert "archive/sessions/SESSION-00001-HANDOFF.md" in written
    assert not (repo / ".sessions" / "config.toml").exists()  # zero-config stays zero-config


def test_each_preset_writes_its_documents(repo: Path, cli: Cli) -> None:
    assert cli("init", "--preset", "tracker").code == 0
    written = _written(repo)
    assert {"SESSION_TRACKER.md", "progress.txt", "IMPLEMENTATION.md"} <= set(written)
    assert not any(p.startswith(("archive/", ".claude/")) for p in written), written

    # One config key switches to another way of working; render writes it from the same events.
    (repo / ".sessions" / "config.toml").write_text('[documents]\npreset = ["archive", "lifecycle"]\n')
    assert cli("render").code == 0
    written = _written(repo)
    assert "archive/sessions/SESSION-00001-LOG.md" in written
    assert ".claude/sessions/session-00001-context.md" in written and ".claude/memory/decisions.md" in written
    assert sorted(PRESETS["all"]) == sorted({k for name in ("archive", "tracker", "lifecycle") for k in PRESETS[name]})


def test_init_preset_keeps_the_rest_of_the_config(repo: Path, cli: Cli) -> None:
    (repo / ".sessions").mkdir()
    original = '# ours\n[log]\ndefault_category = "testing"\n\n[documents]\nprogress = false  # never\n'
    (repo / ".sessions" / "config.toml").write_text(original)
    assert cli("init", "--preset", "all").code == 0
    text = (repo / ".sessions" / "config.toml").read_text()
    assert text == '# ours\n[log]\ndefault_category = "testing"\n\n[documents]\npreset = "all"\nprogress = false  # never\n'
    assert (repo / "SESSION_TRACKER.md").exists() and not (repo / "progress.txt").exists()  # its own key wins


def test_an_unknown_preset_is_a_usage_error_and_writes_nothing(repo: Path, cli: Cli) -> None:
    before = snapshot(repo)
    result = cli("init", "--preset", "everything")
    assert result.code == 2 and "unknown preset 'everything'" in result.err and "archive, tracker, lifecycle, all" in result.err
    assert snapshot(repo) == before
    (repo / ".sessions").mkdir()
    (repo / ".sessions" / "config.toml").write_text('[documents]\npreset = "docs"\n')
    bad = cli("init")
    assert bad.code == 2 and "documents.preset: unknown preset 'docs'" in bad.err, bad
