"""``check``: run the enforcement rules (see :mod:`session_tracker.enforce.rules`)."""

from __future__ import annotations

import os

from session_tracker.core.context import Context
from session_tracker.errors import EXIT_USAGE, TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.git.plumbing import StagedQuery


def check(ctx: Context, staged: bool = False, commit_range: str | None = None,
          index_file: str | None = None, started: StagedQuery | None = None) -> dict[str, object]:
    """Run every rule that applies in the chosen mode.

    Args:
        staged: judge what ``git commit`` is about to record (the pre-commit hook's mode).
        commit_range: ``A..B``: judge the commits in the range and the store at ``B`` (CI).
        index_file: the index being committed (default: ``GIT_INDEX_FILE`` from the
            environment, as git sets it for hooks, else the repository's index).
        started: with ``staged``, git processes the caller already started (the hook).
    Returns:
        ``{"v": 1, "ok", "mode" (plain|staged|range), "range", "session" (open here or null),
        "failed" [ids], "rules" [{id, title, status (pass|fail|skip|disabled), message, hint,
        details[]}]}``; ``ok`` is False when any rule failed.
    Raises:
        TrackerError: ``--staged`` with ``--range`` (exit 2); an invalid ``[check]`` config; a
        range that does not resolve; staged or range mode outside git.
    """
    from session_tracker.enforce import inputs as gather
    from session_tracker.enforce.range import commit_range as commit_range_inputs
    from session_tracker.enforce.rules import evaluate
    from session_tracker.enforce.verdicts import FAIL

    if staged and commit_range:
        raise TrackerError("--staged and --range cannot be combined",
                           "--staged judges the next commit (pre-commit), --range existing commits (CI)",
                           exit_code=EXIT_USAGE)
    disabled = frozenset(str(r) for r in ctx.config["check"]["disable"])  # type: ignore[attr-defined]
    if commit_range:
        inputs = commit_range_inputs(ctx, commit_range)
    elif staged:
        index = index_file or ctx.env.get("GIT_INDEX_FILE") or None
        inputs = gather.staged(ctx, os.path.abspath(index) if index else None, started)
    else:
        from session_tracker.enforce.plain import plain

        inputs = plain(ctx)
    outcomes = evaluate(inputs, disabled)
    failed = [str(o["id"]) for o in outcomes if o["status"] == FAIL]
    return {
        "v": 1,
        "ok": not failed,
        "mode": inputs.mode,
        "range": inputs.range,
        "session": inputs.open.name if inputs.open is not None else None,
        "failed": failed,
        "rules": outcomes,
    }
