"""The summary cache behind `status` and the project documents: the same documents as a full
read, refreshed when a session file grows, rebuilt when deleted or corrupt."""

from __future__ import annotations

from pathlib import Path

from session_tracker.commands.decision import decision
from session_tracker.commands.end import end
from session_tracker.commands.init import init
from session_tracker.commands.log import log
from session_tracker.commands.plan import phase_add
from session_tracker.core.context import Context
from session_tracker.core.model import load_project
from session_tracker.core.summaries import load_summary_project
from session_tracker.documents import writer


def test_cache_gives_the_documents_a_full_read_gives(all_documents: Path, ctx: Context, repo: Path) -> None:
    phase_add(ctx, "Phase 0", "1-2")
    init(ctx, objectives=("First",))
    for i in range(5):
        log(ctx, f"note {i}")
    log(ctx, "retroactive", at="2020-01-01 10:00")
    decision(ctx, "Use X", "because")
    end(ctx, next_steps=("Go on",))
    full = writer.expected_project(ctx, load_project(ctx.layout))
    assert writer.expected_project(ctx, load_summary_project(ctx.layout)) == full
    cache = repo / ".sessions/local/summary-cache.json"
    assert cache.is_file()
    assert writer.expected_project(ctx, load_summary_project(ctx.layout)) == full  # from the cache

    init(ctx, objectives=("Second",))  # a new file, and the cache must notice
    decision(ctx, "Use Y", "because")
    full = writer.expected_project(ctx, load_project(ctx.layout))
    assert writer.expected_project(ctx, load_summary_project(ctx.layout)) == full
    assert "Use Y" in full[str(repo / "SESSION_TRACKER.md")]

    cache.write_text("{not json")
    assert writer.expected_project(ctx, load_summary_project(ctx.layout)) == full
    cache.unlink()
    assert writer.expected_project(ctx, load_summary_project(ctx.layout)) == full
    assert (repo / "SESSION_TRACKER.md").read_text() == full[str(repo / "SESSION_TRACKER.md")]
