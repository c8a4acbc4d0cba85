"""One session's handoff is rendered from its own file and, of the others, only the blockers
open at its end and the metrics of the session before it (``handoff_view.project_for``). On
random histories every handoff equals the one rendered from every session's blockers and
metrics, and the one a full read gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from session_tracker.commands.blocker import open_blocker, resolve_blocker
from session_tracker.commands.end import end
from session_tracker.commands.init import init
from session_tracker.commands.log import log
from session_tracker.commands.metrics import record_manual
from session_tracker.core.context import Context
from session_tracker.core.model import load_project
from session_tracker.core.paths import Layout
from session_tracker.documents.expected import render_kind
from session_tracker.documents.handoff_view import OTHERS, project_for
from session_tracker.index import connect_fresh, query


def _history(root: Path, seed: int, sessions: int) -> None:
    """``sessions`` sessions, the last left open: each logs, may record metrics, opens
    blockers and resolves some of the open ones (its own or earlier sessions')."""
    chance = random.Random(seed)
    open_now: list[str] = []
    for n in range(1, sessions + 1):
        ctx = Context(layout=Layout(str(root)), env={})
        init(ctx, session=f"{n:05d}")
        log(ctx, f"work {n}")
        if chance.random() < 0.5:
            record_manual(ctx, tests_passed=chance.randint(0, 9), tests_total=10)
        for _ in range(chance.randint(0, 2)):
            open_now.append(str(open_blocker(ctx, f"blocked {n}")["blocker"]))
        for blocker in list(open_now):
            if chance.random() < 0.3:
                resolve_blocker(ctx, blocker, "done")
                open_now.remove(blocker)
        if chance.random() < 0.3:
            record_manual(ctx, coverage_percent=float(chance.randint(0, 100)))
        if n < sessions:
            end(ctx)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), sessions=st.integers(2, 6))
def test_each_handoff_equals_the_one_from_every_sessions_blockers_and_metrics(tmp_path_factory: pytest.TempPathFactory,
                                                                            seed: int, sessions: int) -> None:
    root = tmp_path_factory.mktemp("history")  # no git: nothing but the events to capture
    _history(root, seed, sessions)
    layout = Layout(str(root))
    whole = {s.sid: s for s in load_project(layout).sessions}
    full_project = load_project(layout)
    conn = connect_fresh(layout)
    try:
        stems = [s.file for s in full_project.sessions]
        for stem in stems:
            narrow, mine = project_for(conn, layout, stem)
            every, theirs = query.project(conn, layout, {stem}, OTHERS, sparse=True)
            assert [s.sid for s in mine] == [s.sid for s in theirs]
            for one, other in zip(mine, theirs):
                expected = render_kind("handoff", whole[one.sid], full_project)
                assert render_kind("handoff", one, narrow) == render_kind("handoff", other, every) == expected
            # only what the handoff shows: never more sessions than the blockers and metrics need
            assert len(narrow.sessions) <= len(every.sessions)
    finally:
        conn.close()
