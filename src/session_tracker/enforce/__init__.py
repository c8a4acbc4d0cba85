"""Enforcement (issue #6): ``check``'s rules, the git hooks that run them, and the hooks' runtime.

Modules: :mod:`.rules` (what each rule checks), :mod:`.inputs` (what the rules read, per mode:
the working tree, the index, a commit range), :mod:`.gitx` (the git questions enforcement asks) and :mod:`.proc` (how it starts git),
:mod:`.hookfiles` (installing and removing the hook scripts), :mod:`.hookrun` (what the scripts
run: on every commit, so it imports nothing heavy) and :mod:`.untracked` (commits no session
recorded, for ``doctor`` and ``summary``).

This module holds only constants, because :mod:`session_tracker.core.config` imports it to validate
``[check] disable`` and must stay light.
"""

from __future__ import annotations

from session_tracker.core.settings import RULE_IDS

__all__ = ["HOOK_NAMES", "RULE_IDS", "SKIP_ENV", "skipping"]

#: The git hooks ``hooks install`` writes: the three of a commit, in the order git runs them, then
#: those that keep the documents (views git ignores) current after git changed the events:
#: post-checkout (checkout, switch, clone), post-merge (merge, pull) and post-rewrite (amend,
#: rebase: also records which commit replaced which).
HOOK_NAMES = ("pre-commit", "commit-msg", "post-commit", "post-checkout", "post-merge", "post-rewrite")

#: ``SESSION_TRACKER_SKIP=1`` (any value but empty or ``0``) makes every hook step aside.
SKIP_ENV = "SESSION_TRACKER_SKIP"


def skipping(env: dict[str, str]) -> bool:
    """True when ``SESSION_TRACKER_SKIP`` asks the hooks to step aside."""
    return env.get(SKIP_ENV, "") not in ("", "0")
