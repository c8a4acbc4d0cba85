"""The documentation matches the CLI: docs/commands.md is what scripts/gen_cli_reference.py
generates from the ``--help`` of every command (run as real subprocesses of the installed console
script), the hand-written pages name every command, no help text speaks of "seed" documents, and
the README stays short with its two set-up commands at the top."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
SCRIPT = ROOT / "scripts" / "gen_cli_reference.py"
HINT = "hint: run `python scripts/gen_cli_reference.py` and commit docs/commands.md"

Entries = list[tuple[tuple[str, ...], str]]


def generator() -> ModuleType:
    """scripts/gen_cli_reference.py, loaded as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("gen_cli_reference", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return generator()


@pytest.fixture(scope="module")
def entries(gen: ModuleType) -> Entries:
    """Every command path with its ``--help``, from subprocesses of the installed CLI."""
    found: Entries = gen.collect()
    return found


def hand_written_text() -> str:
    """The README and every page of docs/ except the generated reference."""
    pages = [README, *sorted(p for p in DOCS.glob("*.md") if p.name != "commands.md")]
    return "\n".join(p.read_text(encoding="utf-8") for p in pages)


def code_texts(markdown: str) -> list[str]:
    """Contents of fenced code blocks and inline code spans."""
    fenced = re.findall(r"^(`{3,})[^\n]*\n(.*?)^\1", markdown, re.MULTILINE | re.DOTALL)
    without = re.sub(r"^(`{3,})[^\n]*\n.*?^\1", "", markdown, flags=re.MULTILINE | re.DOTALL)
    return [body for _, body in fenced] + re.findall(r"`([^`\n]+)`", without)


def test_collect_finds_groups_and_their_subcommands(entries: Entries) -> None:
    paths = {path for path, _ in entries}
    assert () in paths and ("init",) in paths and ("log",) in paths
    # Groups are walked: a subcommand at depth two for each kind of group.
    for sub in [("hooks", "install"), ("metrics", "run"), ("agent", "install"), ("plan", "export")]:
        assert sub in paths, sub
    for path, text in entries:
        assert text.startswith(f"Usage: session-tracker {' '.join(path)}".rstrip()), (path, text[:80])


def test_commands_page_is_the_generated_reference(gen: ModuleType, entries: Entries) -> None:
    fresh = gen.render(entries)
    current = (DOCS / "commands.md").read_text(encoding="utf-8")
    if current != fresh:
        changed = [" ".join(p) or "(top level)" for p, text in entries if f"```text\n{text}```" not in current]
        pytest.fail(f"docs/commands.md differs from --help (commands whose help changed: {changed or 'layout only'})\n{HINT}")


def test_check_mode_fails_on_a_stale_reference_with_a_hint(tmp_path: Path) -> None:
    stale = tmp_path / "commands.md"
    stale.write_text("# Command reference\n\nold\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check", "--output", str(stale)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 1, proc
    assert proc.stderr.splitlines() == [f"error: {stale} is out of date with --help",
                                        "hint: run `python scripts/gen_cli_reference.py` and commit the result"]
    assert stale.read_text(encoding="utf-8") == "# Command reference\n\nold\n"  # --check writes nothing


def test_docs_name_every_command_that_help_lists(entries: Entries) -> None:
    reference = (DOCS / "commands.md").read_text(encoding="utf-8")
    codes = code_texts(hand_written_text())
    missing_reference, missing_prose = [], []
    for path, _ in entries:
        if not path:
            continue
        name = " ".join(path)
        if f"\n## session-tracker {name}\n" not in reference:
            missing_reference.append(name)
        # Named in code: `strack task add …`, `task add`, `session-tracker task add`.
        pattern = re.compile(rf"(?<![\w./-]){re.escape(name)}(?![\w/-])")
        if not any(pattern.search(code) for code in codes):
            missing_prose.append(name)
    assert not missing_reference, f"docs/commands.md lacks {missing_reference}\n{HINT}"
    assert not missing_prose, f"no page of docs/ nor the README names these commands in code: {missing_prose}"


def test_no_help_text_says_seed(entries: Entries) -> None:
    offending = {" ".join(path) or "(top level)": [line.strip() for line in text.splitlines() if "seed" in line.lower()]
                 for path, text in entries if "seed" in text.lower()}
    assert not offending, f"--help names this project's source documents, meaningless to users: {offending}"


def test_readme_is_short_and_starts_with_the_two_setup_commands() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; move detail to docs/"
    first_block = "\n".join(lines[: next(i for i, line in enumerate(lines) if line.startswith("## "))])
    assert re.search(r"^make demo\b", first_block, re.MULTILINE) and re.search(r"^make test\b", first_block, re.MULTILINE), first_block


def test_readme_and_docs_never_say_seed_nnn() -> None:
    """User-facing documentation uses the user's terms; architecture.md is for contributors."""
    for page in [README, *DOCS.glob("*.md")]:
        if page.name in ("architecture.md",):
            continue
        hits = [line for line in page.read_text(encoding="utf-8").splitlines() if re.search(r"\bseed \d{3}\b", line, re.IGNORECASE)]
        assert not hits, (page.name, hits[:3])


def _without_code(markdown: str) -> str:
    return re.sub(r"^(`{3,})[^\n]*\n.*?^\1", "", markdown, flags=re.MULTILINE | re.DOTALL)


def anchors(page: Path) -> set[str]:
    """GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces → ``-``."""
    headings = re.findall(r"^#{1,6} (.+)$", _without_code(page.read_text(encoding="utf-8")), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_every_docs_page_is_linked_and_every_relative_link_resolves() -> None:
    pages = [README, *sorted(DOCS.glob("*.md"))]
    linked: set[Path] = set()
    broken = []
    for page in pages:
        text = _without_code(page.read_text(encoding="utf-8"))  # samples may hold any text
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page.resolve()
            if not resolved.exists():
                broken.append(f"{page.relative_to(ROOT)} → {target}")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{page.relative_to(ROOT)} → {target} (no such heading)")
            linked.add(resolved)
    assert not broken, broken
    unlinked = [p.name for p in DOCS.glob("*.md") if p.resolve() not in linked]
    assert not unlinked, f"pages of docs/ no page links to: {unlinked}"


def test_subcommands_are_read_from_grouped_help_too(gen: ModuleType) -> None:
    """A top-level help grouped under several headings (click sections) lists every command."""
    import click

    class Grouped(click.Group):
        def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            for title, names in (("Sessions", ["init", "end"]), ("Plan", ["task", "next"])):
                with formatter.section(title):
                    formatter.write_dl([(n, f"The {n} command, with a description long enough to be cut by the formatter.") for n in names])

    group = Grouped("strack", help="Top.")
    for name in ("init", "end", "task", "next"):
        group.add_command(click.Command(name, help=f"{name} help"))
    with click.Context(group, info_name="session-tracker", max_content_width=100) as ctx:
        text = group.get_help(ctx)
    assert "Sessions:" in text and "Plan:" in text
    assert gen.subcommands(text) == ["init", "end", "task", "next"]
