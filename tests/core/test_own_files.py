"""Capture leaves out session-tracker's own files and nothing else: the matcher
(``capture.OwnFiles``) must agree with the definition, every document path of every session the
store has spelt out, on the paths a user's repository holds beside them."""

from __future__ import annotations

from pathlib import Path

from session_tracker.core import capture
from session_tracker.core.context import Context
from session_tracker.core.paths import Layout

SID_A, SID_B, SID_C = "01J0000000000000000000000A", "01J0000000000000000000000B", "01J0000000000000000000000C"


def _spelt_out(ctx: Context, labels: list[str]) -> set[str]:
    """The definition: ``.sessions/``, each project document, each session document path."""
    out = set()
    for template in ctx.config["documents"].values():
        if isinstance(template, str):
            out.update({template.replace("{session}", label) for label in labels} if "{session}" in template else {template})
    return out


def _excluded_by_definition(path: str, spelt: set[str]) -> bool:
    if path.startswith(".sessions/"):
        return True
    while path:
        if path in spelt:
            return True
        path = path.rpartition("/")[0]
    return False


def test_the_matcher_leaves_out_exactly_the_documents_of_the_sessions_the_store_has(tmp_path: Path) -> None:
    events = tmp_path / ".sessions" / "events"
    events.mkdir(parents=True)
    (tmp_path / ".sessions" / "config.toml").write_text('[documents]\npreset = "all"\n')
    for stem in (f"00001-{SID_A}", f"00002-{SID_B}", f"00002-{SID_C}", "00007"):  # 00002 twice: a merge; 00007 legacy
        (events / f"{stem}.jsonl").write_text("")
    ctx = Context(layout=Layout(str(tmp_path)), env={})
    labels = ["00001", "00002", "00007", f"00001-{SID_A}", f"00002-{SID_B}", f"00002-{SID_C}"]
    spelt = _spelt_out(ctx, labels)
    matcher = capture.own_files(ctx)
    candidates = sorted(spelt) + [
        "README.md", "src/app.py", ".sessions/events/x.jsonl", ".sessionsx/file",
        "archive/sessions/SESSION-00003-LOG.md",             # no such session: the user's file
        "archive/sessions/SESSION--LOG.md", "archive/sessions/notes.md", "archive/sessions/SESSION-00001-LOG.md.bak",
        f"archive/sessions/SESSION-00009-{SID_A}-LOG.md",     # a sid with another number
        "archive/sessions/SESSION-00001-LOG.md/inside",      # under a document path
        "SESSION_TRACKER.md.orig", "docs/SESSION_TRACKER.md",
    ]
    for path in candidates:
        assert matcher(path) == _excluded_by_definition(path, spelt), path
    assert matcher("archive/sessions/SESSION-00002-HANDOFF.md") and not matcher("archive/sessions/SESSION-00003-HANDOFF.md")
