"""The dashboard's parts without a server: the defences' rules, the data module's stamp, the
static export (what it writes, what it refuses, what it replaces), escaping of user text."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("jinja2", reason="the web extra is not installed")

from session_tracker.core.context import Context
from session_tracker.core.paths import Layout
from session_tracker.errors import TrackerError
from session_tracker.web.data import Store
from session_tracker.web.export import MARKER, export_html
from session_tracker.web.security import allowed_hosts, check_bind, host_name, is_loopback
from session_tracker.web.site import Site
from web_support import BLOCKER_WORD, RATIONALE_WORD, build_project, cli


@pytest.mark.parametrize(("header", "name"), [("127.0.0.1:8765", "127.0.0.1"), ("LOCALHOST", "localhost"), ("[::1]:80", "::1"),
                                              ("evil.example:8765", "evil.example"), ("", ""), ("::1", "::1")])
def test_host_name(header: str, name: str) -> None:
    assert host_name(header) == name


def test_only_loopback_listens_without_a_token() -> None:
    for host in ("127.0.0.1", "127.1.2.3", "localhost", "::1"):
        assert is_loopback(host)
        check_bind(host, None)
    for host in ("0.0.0.0", "::", "", "192.0.2.1", "example.com"):
        assert not is_loopback(host)
        with pytest.raises(TrackerError, match="without a token"):
            check_bind(host, None)
        check_bind(host, "long-enough-token")
    for bad in ("short", "has space in it", "semi;colon-token"):
        with pytest.raises(TrackerError, match="token must be"):
            check_bind("127.0.0.1", bad)


def test_allowed_hosts() -> None:
    assert allowed_hosts("127.0.0.1") == {"localhost", "127.0.0.1", "::1"}
    assert "dash.internal" in allowed_hosts("127.0.0.1", ("Dash.Internal",))
    assert "192.0.2.7" in allowed_hosts("192.0.2.7")
    assert "evil.example" not in allowed_hosts("0.0.0.0")


def test_stamp_changes_with_the_store_and_only_then(repo: Path) -> None:
    cli(repo, "init", "--objective", "stamp")
    store = Store(Layout(str(repo)), min_interval_s=0.0)
    first = store.snapshot()
    assert store.snapshot() is first  # nothing changed: the same snapshot, nothing re-read
    cli(repo, "log", "one more entry")
    second = store.snapshot()
    assert second.stamp != first.stamp
    assert [r.entries for r in second.rows] == [1]
    cli(repo, "next", "a plan step")  # project.jsonl only
    third = store.snapshot()
    assert third.stamp != second.stamp and [n.s("message") for n in third.plan.next.values()] == ["a plan step"]


def test_export_writes_a_self_contained_site(repo: Path, tmp_path: Path) -> None:
    names = build_project(repo)
    target = tmp_path / "site"
    result = export_html(Layout(str(repo)), str(target))
    assert result["v"] == 1 and result["sessions"] == 2 and result["decisions"] == 1
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert {"index.html", "plan.html", "decisions.html", "work.html", "metrics.html", "search.html", "search-index.js",
            "static/app.js", "static/app.css", MARKER, f"session-{names['human']}.html", f"session-{names['agent']}.html"} <= set(files)
    for name in files:
        text = (target / name).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", text), name  # nothing from elsewhere
        if name.endswith(".html"):
            assert 'http-equiv="Content-Security-Policy"' in text and "default-src 'none'" in html.unescape(text), name
    index = (target / "search-index.js").read_text(encoding="utf-8")
    rows = json.loads(index.removeprefix("window.STRACK_INDEX = ").rstrip().removesuffix(";").replace(",\n]", "\n]"))
    assert any(RATIONALE_WORD in r[5] and r[2] == "decision" and r[0].startswith("decision-") for r in rows)
    assert any(BLOCKER_WORD in r[5] and r[2] == "blocker.opened" for r in rows)
    # Command lines stay on the machine that recorded them ([privacy] share_agent_text = false):
    # a site made to be shared carries none, though the commands and their failures are listed.
    assert not any("cargo test" in r[5] for r in rows)
    agent_page = (target / f"session-{names['agent']}.html").read_text(encoding="utf-8")
    assert "cargo test" not in agent_page and "failed" in agent_page


def test_export_replaces_an_earlier_export_and_refuses_anything_else(repo: Path, tmp_path: Path) -> None:
    cli(repo, "init", "--objective", "first")
    layout = Layout(str(repo))
    target = tmp_path / "site"
    export_html(layout, str(target))
    (target / "stale.html").write_text("from an earlier export")
    cli(repo, "log", "later")
    export_html(layout, str(target))
    assert not (target / "stale.html").exists()  # replaced whole
    assert "later" in (target / "search-index.js").read_text(encoding="utf-8")
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(TrackerError, match="not empty"):
        export_html(layout, str(other))
    assert [p.name for p in other.iterdir()] == ["notes.txt"]
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(TrackerError, match="not a directory"):
        export_html(layout, str(a_file))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".export-")) == []  # no temp dir left


def test_export_cli_reports_and_refuses(repo: Path, tmp_path: Path) -> None:
    cli(repo, "init", "--objective", "cli")
    out = json.loads(cli(repo, "export", "--html", str(tmp_path / "out"), "--json"))
    assert out["v"] == 1 and out["pages"] >= 7
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    from conftest import run_cli

    refused = run_cli(repo, "export", "--html", str(tmp_path / "busy"))
    assert refused.code == 1 and refused.err.startswith("error: ") and "hint: " in refused.err and "Traceback" not in refused.err


def test_user_text_never_becomes_markup(repo: Path) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    cli(repo, "init", "--objective", evil)
    cli(repo, "decision", evil, "--rationale", evil)
    cli(repo, "metrics", "record", "--tests-passed", "3")
    layout = Layout(str(repo))
    store = Store(layout)
    site = Site(store)
    snap = store.snapshot()
    from session_tracker.web import views

    project, session = views.pick(store, snap.rows[0].name)
    for page in (site.sessions(snap), site.session(snap, project, session), site.decisions(snap), site.metrics(snap)):
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in site.session(snap, project, session)
    assert Context(layout=layout).layout.root == str(repo)


@given(moment=st.datetimes(min_value=datetime(1971, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.sampled_from(
    [timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-11))])),
       tz=st.sampled_from(["+00:00", "+02:00", "-05:30", "+14:00", "junk"]))
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)  # a loaded machine draws slowly
def test_when_shows_what_clock_display_shows(moment: datetime, tz: str) -> None:
    from session_tracker.core.clock import display
    from session_tracker.web.when import when

    stored = moment.isoformat(timespec="milliseconds")
    assert when(stored, tz) == display(stored, tz)
    assert when("not a time", tz) == display("not a time", tz)


def test_the_receipt_of_what_the_agent_was_given_is_shown(repo: Path) -> None:
    """An agent session's start and the ``context.injected`` receipt its SessionStart hook
    records (issue 13's shape: chars, tokens_est, budget, parts, left_out, reason)."""
    from session_tracker.core.clock import iso, now
    from session_tracker.core.events import Event
    from session_tracker.core.sessions import append_to_session, ensure_store
    from session_tracker.core.ulid import new_ulid
    from web_support import codex, hook

    layout = Layout(str(repo))
    ensure_store(layout)  # as `agent install` leaves it: hooks never create the store
    hook("codex", codex("SessionStart", repo, source="startup"), repo)
    store = Store(layout)
    row = store.snapshot().rows[0]
    receipt = {"chars": 5120, "tokens_est": 1280, "budget": 8000, "reason": "the whole context would not fit 8,000 characters",
               "parts": [{"part": "header", "items": 1, "kept": "whole", "chars": 300},
                         {"part": "blockers", "items": 30, "kept": "shortened to 80 characters an item", "chars": 2900}],
               "left_out": ["2 earlier decisions"]}
    from session_tracker.core.context import Context
    from session_tracker.index.query import stem_of

    append_to_session(Context(layout=layout, env={}), stem_of(row.source),
                      Event(id=new_ulid(), ts=iso(now()), session=row.name, sid=row.sid, type="context.injected", actor="codex", data=receipt))
    store = Store(layout)
    snap = store.snapshot()
    from session_tracker.web import views

    project, session = views.pick(store, row.name)
    from session_tracker.web.timeline import receipts

    shown = receipts(session, store)
    # the SessionStart hook's own receipt, then the one written above
    assert [r["what"] for r in shown] == ["agent session start", "context given to the agent", "context given to the agent"]
    assert shown[0]["data"] == {"agent": "codex", "agent_session_id": "019a-codex-thread", "agent_source": "startup", "model": "gpt-5-codex"}
    page = Site(store).session(snap, project, session)
    assert "5,120 characters (~1280 tokens) of a 8000 budget" in page
    assert "shortened to 80 characters an item" in page and "Left out: 2 earlier decisions" in page


def test_the_cli_does_not_load_the_web_until_serve_or_export() -> None:
    import subprocess
    import sys

    probe = ("import sys, session_tracker.cli; "
             "print([m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'jinja2') or m.startswith('session_tracker.web')])")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60).stdout
    assert out.strip() == "[]"


def test_serve_on_an_empty_directory_answers(tmp_path: Path) -> None:
    from web_support import serving

    with serving(tmp_path) as server:
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", "/", headers={"Host": "localhost"})
        response = conn.getresponse()
        body = response.read().decode()
        conn.close()
    assert response.status == 200 and "No sessions yet" in body
    assert not (tmp_path / ".sessions").exists()  # a read-only view creates nothing
