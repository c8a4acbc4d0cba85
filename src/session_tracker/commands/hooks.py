"""``hooks install | uninstall | status | run``: the git hooks that enforce tracking.

The work is in :mod:`session_tracker.enforce.hookfiles` (the scripts) and
:mod:`session_tracker.hooks.git` (what they run); these are the command functions the
CLI calls.
"""

from __future__ import annotations

from session_tracker.core.context import Context


def install(ctx: Context, force: bool = False) -> dict[str, object]:
    """Install the pre-commit, commit-msg and post-commit hooks, chaining to any already there.

    Returns and raises as :func:`session_tracker.enforce.hookfiles.install`.
    """
    from session_tracker.enforce.hookfiles import install as run

    return run(ctx, force=force)


def uninstall(ctx: Context) -> dict[str, object]:
    """Remove the hooks and restore what install moved aside (see
    :func:`session_tracker.enforce.hookfiles.uninstall`)."""
    from session_tracker.enforce.hookfiles import uninstall as run

    return run(ctx)


def status(ctx: Context) -> dict[str, object]:
    """Which hooks are installed (see :func:`session_tracker.enforce.hookfiles.status`)."""
    from session_tracker.enforce.hookfiles import status as run

    return run(ctx)
