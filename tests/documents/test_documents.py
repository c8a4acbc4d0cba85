"""Documents are a pure function of the events: the same events give byte-identical documents
on another machine, in another time zone and on a second render; and whatever users type, the
markdown stays valid (tables keep their shape, no HTML gets through, every text reads back)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from conftest import git, run_cli
from session_tracker.commands.blocker import open_blocker
from session_tracker.commands.decision import decision
from session_tracker.commands.end import end
from session_tracker.commands.handoff import add_item
from session_tracker.commands.init import init
from session_tracker.commands.log import log
from session_tracker.core.clock import display
from session_tracker.core.context import Context
from session_tracker.core.events import Event
from session_tracker.core.model import load_project
from session_tracker.core.paths import Layout
from session_tracker.documents import session as session_docs
from session_tracker.documents.md import document_bytes

ARCHIVE = "archive/sessions"
KOLKATA = {"TZ": "Asia/Kolkata"}
PROJECT_DOCUMENTS = ("IMPLEMENTATION.md", "SESSION_TRACKER.md", "progress.txt")


def documents(root: Path) -> dict[str, bytes]:
    """Every rendered document under ``root``, by relative path."""
    base = root / ARCHIVE
    found = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}
    for name in PROJECT_DOCUMENTS:  # the project tracker's documents (issue 3)
        if (root / name).is_file():
            found[name] = (root / name).read_bytes()
    claude = root / ".claude"  # seed 003's session documents and memory files (issue 5)
    found.update({p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(claude.rglob("*")) if p.is_file()})
    return dict(sorted(found.items()))


def must(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = run_cli(root, *args, env=env)
    assert result.code == 0, result
    return result.out


def run_two_sessions(repo: Path, env: dict[str, str] | None = None) -> None:
    """A full session (every kind of entry, a commit) and a short second one, both ended."""
    must(repo, "init", "--session", "00001", "--objective", "Ship the parser | <fast> & right", env=env)
    must(repo, "log", "Implemented `parse()` in parser.py", "-c", "implementation", env=env)
    must(repo, "log", "# not a heading\n- not a list", "-c", "testing", env=env)
    must(repo, "decision", "-m", "Use a hand-written lexer", "-r", "regexes were 3x slower", "-a", "re module", "-a", "ply", env=env)
    first = must(repo, "blocker", "Need the grammar spec", env=env).split()[1]  # "blocker b-… opened in session 00001"
    must(repo, "blocker", "--resolve", first, "-m", "Found it in docs/grammar.md", env=env)
    must(repo, "blocker", "CI runner is down", env=env)
    must(repo, "handoff", "--item", "Add error recovery", env=env)
    (repo / "parser.py").write_text("def parse(text):\n    return text.split()\n")
    git(repo, "add", "parser.py")
    git(repo, "commit", "-q", "-m", "Add parser")
    (repo / "README.md").write_text("# project\n\nA parser.\n")
    must(repo, "end", "--next", "Benchmark the lexer", env=env)
    must(repo, "init", "--session", "00002", env=env)
    must(repo, "log", "Looked at the benchmark", env=env)
    must(repo, "end", env=env)


EXPECTED_DOCUMENTS = sorted(
    [f"{ARCHIVE}/SESSION-{n}-{kind}" for n in ("00001", "00002") for kind in ("LOG.md", "FILES.txt", "DECISIONS.md", "HANDOFF.md")]
    + list(PROJECT_DOCUMENTS)
    + [f".claude/sessions/session-{n}-{kind}" for n in ("00001", "00002")
       for kind in ("context.md", "plan.md", "tasks.json", "tests.md", "completed.md", "review.md")]
    + [f".claude/memory/{kind}.md" for kind in ("architecture", "patterns", "decisions", "errors")]
)


def test_same_events_give_byte_identical_documents_elsewhere(all_documents: Path, repo: Path, tmp_path: Path) -> None:
    run_two_sessions(repo)
    original = documents(repo)
    assert sorted(original) == EXPECTED_DOCUMENTS
    assert b"Add parser" in original[f"{ARCHIVE}/SESSION-00001-HANDOFF.md"]  # the commit was captured
    assert b"parser.py  +2 -0" in original[f"{ARCHIVE}/SESSION-00001-FILES.txt"]

    for kind in ("plain", "git"):
        elsewhere = tmp_path / f"elsewhere-{kind}"
        elsewhere.mkdir()
        if kind == "git":
            git(elsewhere, "init", "-q", "-b", "main")
        # what a clone carries: the committed store, not the per-worktree local/ state
        shutil.copytree(repo / ".sessions", elsewhere / ".sessions", ignore=shutil.ignore_patterns("local"))
        report = json.loads(must(elsewhere, "render", "--json"))
        assert report["documents"] == len(EXPECTED_DOCUMENTS)
        assert sorted(report["written"]) == EXPECTED_DOCUMENTS
        assert report["snapshots"] == []
        copied = documents(elsewhere)
        assert sorted(copied) == EXPECTED_DOCUMENTS
        for path in EXPECTED_DOCUMENTS:
            assert copied[path] == original[path], path


def test_render_in_place_writes_nothing_new(all_documents: Path, repo: Path) -> None:
    run_two_sessions(repo)
    before = documents(repo)
    events_before = {p.name: p.read_bytes() for p in (repo / ".sessions/events").iterdir()}
    for _ in range(2):
        report = json.loads(must(repo, "render", "--json"))
        assert report == {"v": 1, "documents": len(EXPECTED_DOCUMENTS), "written": [], "snapshots": []}
    assert documents(repo) == before
    assert {p.name: p.read_bytes() for p in (repo / ".sessions/events").iterdir()} == events_before
    # a deleted document comes back identical, and only it is written
    (repo / ARCHIVE / "SESSION-00001-DECISIONS.md").unlink()
    report = json.loads(must(repo, "render", "--json"))
    assert report["written"] == [f"{ARCHIVE}/SESSION-00001-DECISIONS.md"]
    assert documents(repo) == before


def test_documents_do_not_depend_on_the_machines_time_zone(all_documents: Path, repo: Path) -> None:
    run_two_sessions(repo, env=KOLKATA)  # the sessions' own offset is +05:30
    at_end = documents(repo)
    assert b"(+05:30)" in at_end[f"{ARCHIVE}/SESSION-00001-HANDOFF.md"]
    rendered: dict[str, dict[str, bytes]] = {}
    for zone in ("America/New_York", "Asia/Kolkata", "UTC", "Pacific/Chatham"):
        shutil.rmtree(repo / ARCHIVE)
        shutil.rmtree(repo / ".claude")
        for name in PROJECT_DOCUMENTS:
            (repo / name).unlink()
        report = json.loads(must(repo, "render", "--json", env={"TZ": zone}))
        assert sorted(report["written"]) == EXPECTED_DOCUMENTS
        rendered[zone] = documents(repo)
    for zone, docs in rendered.items():
        assert docs == at_end, zone


# --- markdown validity, whatever users type ------------------------------------------------

# Nothing is left out: emphasis, links and strikethrough typed by users must read back as text.
_EXCLUDED = ""
_FRAGMENTS = st.sampled_from(
    [
        "|", "\\|", "||", "`", "``x``", "<tag>", "</b>", "<br>", "<!-- c -->", "<script>alert(1)</script>",
        "&", "&amp;", "&#x3c;", "&lt;", "\n", "\n\n", " \n ", "\\", "\\\\", "\\n", "# ", "## x ##", "- ",
        "+ ", "> ", "1. ", "2) ", "=", "---", ":---:", "ü", "日本語", "🚀", "\u2028", "\u00a0", "\t", "  ",
        "http://example.com/<a>", "<http://example.com>", "!", "]", "(", ")", "#", " #",
        "__init__.py", "*.jsonl *", "**bold**", "_x_", "snake_case", "[x](y)", "![i](p)", "~~s~~", "_", "*",
    ]
)
_CHARS = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=_EXCLUDED)
_LEADING = st.sampled_from(["", "", "# ", "#", "- ", "-", "1. ", "10) ", "> ", "+ ", "= ", "  ", "\n"])
TEXT = st.builds(
    lambda lead, parts: lead + "".join(parts),
    _LEADING,
    st.lists(st.one_of(_FRAGMENTS, st.text(_CHARS, min_size=1, max_size=6)), min_size=1, max_size=6),
).filter(lambda s: s.strip() != "")

PARSER = MarkdownIt("commonmark").enable("table")


def shown(stored: str) -> str:
    """How a stored text must read back: lines stripped, line breaks kept (as ``<br>``)."""
    return "\n".join(line.strip() for line in stored.strip().splitlines())


def inline_text(token: Token) -> str:
    """The text a reader sees in one inline token; fails on any markup user text could add."""
    out: list[str] = []
    for child in token.children or []:
        if child.type == "text":
            out.append(child.content)
        elif child.type == "html_inline":
            assert child.content == "<br>", f"HTML got through: {child.content!r} in {token.content!r}"
            out.append("\n")
        elif child.type == "code_inline" and child.content.startswith("session-tracker "):
            out.append(child.content)  # the documents' own hints name commands
        elif child.type in ("em_open", "em_close", "strong_open", "strong_close"):
            continue  # the documents' own emphasis; user text is escaped, so never this
        else:
            raise AssertionError(f"unexpected {child.type} in {token.content!r}")
    return "".join(out)


def parse(markdown: str) -> list[Token]:
    tokens = PARSER.parse(markdown)
    html_blocks = [t for t in tokens if t.type == "html_block"]
    assert len(html_blocks) == 1 and tokens[0] is html_blocks[0], [t.content for t in html_blocks]
    assert html_blocks[0].content.startswith("<!-- generated by session-tracker from ")
    for token in tokens:
        if token.type == "inline":
            inline_text(token)  # asserts no HTML other than <br>, no code or links from users
    return tokens


def table_rows(tokens: list[Token]) -> list[list[list[str]]]:
    """Each table as rows of cell texts (header first), checking every row's cell count."""
    tables: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in tokens:
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(inline_text(token))
        elif token.type == "tr_close" and row is not None:
            assert len(row) == len(tables[-1][0]) if tables[-1] else True
            tables[-1].append(row)
            row = None
    return tables


def inline_texts(tokens: list[Token]) -> list[str]:
    return [inline_text(t) for t in tokens if t.type == "inline"]


def expected_entry(event: Event) -> str:
    message = shown(event.text("message"))
    if event.type == "decision":
        out = f"{message} — rationale: {shown(event.text('rationale'))}"
        if event.texts("alternatives"):
            out += " — alternatives: " + "; ".join(shown(a) for a in event.texts("alternatives"))
        return out
    if event.type == "blocker.opened":
        return f"[{event.text('blocker')}] {message}"
    return message


@settings(max_examples=50, deadline=None)
@given(
    notes=st.lists(TEXT, min_size=1, max_size=3),
    decided=st.tuples(TEXT, TEXT, st.lists(TEXT, max_size=2)),
    blockers=st.lists(TEXT, min_size=1, max_size=2),
    item=TEXT,
    objective=TEXT,
)
def test_any_text_keeps_the_documents_valid(
    notes: list[str], decided: tuple[str, str, list[str]], blockers: list[str], item: str, objective: str
) -> None:
    with tempfile.TemporaryDirectory(prefix="strack-docs-") as root:
        ctx = Context(layout=Layout(root), env={})
        init(ctx, session="00001", objectives=(objective,))
        for note in notes:
            log(ctx, note, category="testing", session="00001")
        message, rationale, alternatives = decided
        decision(ctx, message, rationale, tuple(alternatives), session="00001")
        for text in blockers:
            open_blocker(ctx, text, session="00001")
        add_item(ctx, item, session="00001")
        end(ctx, next_steps=(item,), session="00001")

        project = load_project(ctx.layout)
        assert project.problems == []
        (session,) = project.sessions
        entries = session.timeline()
        assert len(entries) == len(notes) + 1 + len(blockers) + 1

        # LOG.md: one row per entry, four cells each, every text read back whole
        log_md = session_docs.render_log(session)
        # on disk, invisible characters (soft hyphen, bidi overrides ...) are shown as \uXXXX
        assert (Path(root) / ARCHIVE / "SESSION-00001-LOG.md").read_bytes() == document_bytes(log_md)
        log_tokens = parse(log_md)
        (log_table,) = table_rows(log_tokens)
        assert log_table[0] == ["Time", "Category", "Entry", "By"]
        body = log_table[1:]
        assert len(body) == len(entries)
        assert [row[1] for row in body] == [
            {"note": "testing", "decision": "decision", "blocker.opened": "blocker", "handoff.item": "handoff"}[e.type] for e in entries
        ]
        assert [row[2] for row in body] == [expected_entry(e) for e in entries]
        assert all(row[3] == "human" for row in body)
        assert shown(objective) in inline_texts(log_tokens)

        # DECISIONS.md: the heading and rationale read back
        decision_texts = inline_texts(parse(session_docs.render_decisions(session)))
        assert f"1. {shown(message)}" in decision_texts
        assert f"Rationale: {shown(rationale)}" in decision_texts
        if alternatives:
            assert "Alternatives considered: " + "; ".join(shown(a) for a in alternatives) in decision_texts

        # HANDOFF.md (after end): fact table shape, and every text in its list item
        handoff_md = session_docs.render_handoff(session, project)
        assert (Path(root) / ARCHIVE / "SESSION-00001-HANDOFF.md").read_bytes() == document_bytes(handoff_md)
        handoff_tokens = parse(handoff_md)
        facts = table_rows(handoff_tokens)[0]
        assert all(len(row) == 2 for row in facts)
        assert [row[0] for row in facts[1:5]] == ["Status", "Started", "Ended", "Duration"]
        texts = inline_texts(handoff_tokens)
        times = {e.id: display(e.moment, session.tz, with_date=False) for e in session.events}
        for event in session.of_type("note"):
            assert f"{times[event.id]} {shown(event.text('message'))}" in texts
        alt = " (alternatives: " + "; ".join(shown(a) for a in alternatives) + ")" if alternatives else ""
        assert f"{shown(message)} — {shown(rationale)}{alt}" in texts
        opened = session.of_type("blocker.opened")
        assert len(opened) == len(blockers)
        for event in opened:
            assert f"[{event.text('blocker')}] {shown(event.text('message'))} (opened in session 00001)" in texts
        assert shown(item) in texts  # one next step: --next and the handoff item are the same text
        assert shown(objective) in texts
