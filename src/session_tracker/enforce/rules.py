"""The rules ``check`` runs (seed 001's "constitution-enforcer", seed 000's "commit the tracker
with the work"). Each has a stable id, runs in some of the three modes and returns an outcome:

| id | plain (a person) | ``--staged`` (pre-commit) | ``--range`` (CI) |
|---|---|---|---|
| ``open-session`` | a session is open here | same | — (no local state in CI) |
| ``log-updated`` | entries since the last commit | same | — |
| ``decision-rationale`` | every decision of every session | new decisions being committed | decisions added in the range |
| ``documents-current`` | every document on disk = a render of the events | seed 001's documents of the sessions being committed, as staged, = a render of their staged events | documents changed in the range, at B, = a render of the events at B |
| ``previous-ended`` | the open session's predecessor ended before it began | same | sessions added in the range |
| ``tracked-commits`` | commits since the open session began | — (the commit does not exist yet) | every commit in the range |
| ``session-trailer`` | same | — (the commit-msg hook adds it) | same |

An outcome is ``{"id", "title", "status", "message", "hint", "details"}`` with status ``pass``,
``fail``, ``skip`` (nothing to judge, or not in this mode) or ``disabled`` (``[check] disable``).
"""

from __future__ import annotations

import os

from session_tracker.core.clock import instant
from session_tracker.core.model import Session
from session_tracker.enforce import RULE_IDS
from session_tracker.enforce.documents_rule import documents_current
from session_tracker.enforce.inputs import Inputs, read_store_file, session_starts
from session_tracker.enforce.verdicts import DISABLED, FAIL, PASS, PLAIN, RANGE, SKIP, STAGED

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from session_tracker.git.plumbing import CommitInfo


#: Events a person writes: what ``log-updated`` counts as "the log was updated".
ENTRY_TYPES = frozenset({"note", "decision", "blocker.opened", "blocker.resolved", "handoff.item"})

#: id -> (what it requires, the modes it runs in, why it does not run in the others)
RULES: dict[str, tuple[str, frozenset[str], str]] = {
    "open-session": ("an open session is required to commit", frozenset({PLAIN, STAGED}),
                     "not checked for a commit range: CI has no open sessions (tracked-commits covers it)"),
    "log-updated": ("the open session's log has entries since the last commit", frozenset({PLAIN, STAGED}),
                    "not checked for a commit range (it concerns the open session)"),
    "decision-rationale": ("every decision has a rationale", frozenset({PLAIN, STAGED, RANGE}), ""),
    "documents-current": ("the rendered documents match the events", frozenset({PLAIN, STAGED, RANGE}), ""),
    "previous-ended": ("the previous session on the branch ended, with its handoff, before the next one started",
                       frozenset({PLAIN, STAGED, RANGE}), ""),
    "tracked-commits": ("every commit belongs to a tracked session", frozenset({PLAIN, RANGE}),
                        "not checked before a commit exists (the post-commit hook records it)"),
    "session-trailer": ("every commit carries a `Session: <id>` trailer", frozenset({PLAIN, RANGE}),
                        "not checked before a commit exists (the commit-msg hook adds it)"),
}


def _outcome(rule: str, status: str, message: str, hint: str = "", details: list[str] | None = None) -> dict[str, object]:
    return {"id": rule, "title": RULES[rule][0], "status": status, "message": message, "hint": hint,
            "details": details or []}


def _short(sha: str) -> str:
    return sha[:7]


def open_session(i: Inputs) -> tuple[str, str, str, list[str]]:
    """Pass when exactly one session is open here (or ``CURRENT_SESSION`` names an open one)."""
    if i.open is not None:
        return PASS, f"session {i.open.name} is open here", "", []
    if i.tracker_only:
        return PASS, "only session-tracker's own files are staged (committing the record needs no session)", "", []
    error = i.open_error
    message = error.message if error else "no open session in this worktree"
    return FAIL, message, error.hint if error else "start one with `session-tracker init`", []


def log_updated(i: Inputs) -> tuple[str, str, str, list[str]]:
    """Pass when the open session has an entry (note, decision, blocker, handoff item) after the
    last commit: after the ``commit`` event recording HEAD when the post-commit hook saw it, else
    after HEAD's committer time (whole seconds, so an entry in the same second counts)."""
    session = i.open
    if i.tracker_only:
        return PASS, "only session-tracker's own files are staged", "", []
    if session is None:
        return SKIP, "no open session (see open-session)", "", []
    if i.mode == STAGED and i.head is not None and _amending(i):
        return PASS, f"amending {_short(i.head.sha)}: judged when it was made", "", []
    events = session.events
    recorded = {e.text("sha"): n for n, e in enumerate(events) if e.type == "commit"}
    head = i.head
    floor: float | None = None
    if head is not None and head.sha in recorded:
        start = recorded[head.sha]
    else:
        start = max(recorded.values(), default=-1)
        floor = float(head.time) if head is not None else None
    entries = [e for e in events[start + 1:] if e.type in ENTRY_TYPES and (floor is None or instant(e.ts) > floor)]
    since = f"the last commit ({_short(head.sha)} {head.subject})" if head is not None else "it started"
    if entries:
        noun = "entry" if len(entries) == 1 else "entries"
        return PASS, f"{len(entries)} {noun} in session {session.name} since {since}", "", []
    return (FAIL, f"nothing logged in session {session.name} since {since}",
            'say what this commit does: `session-tracker log "…"` (or decision / blocker)', [])


def _amending(i: Inputs) -> bool:
    """True when the commit being made replaces HEAD (``commit --amend``): git runs pre-commit
    with ``GIT_AUTHOR_DATE`` set to the amended commit's author date, and to now otherwise. So
    the tracker never refuses an amend that git would allow (issue 11: never block git)."""
    import time

    raw = os.environ.get("GIT_AUTHOR_DATE", "")
    stamp = raw.lstrip("@").split(" ")[0]
    if not stamp.isdecimal() or int(stamp) >= time.time() - 2 or i.head is None:
        return False
    from session_tracker.git.proc import run

    done = run(["log", "-1", "--format=%at", i.head.sha], i.ctx.layout.root, check=False)
    return done.returncode == 0 and done.stdout.strip() == stamp.encode()


def decision_rationale(i: Inputs) -> tuple[str, str, str, list[str]]:
    """Pass when every decision not committed before has a non-blank rationale."""
    checked, bad = 0, []
    for name, sessions in sorted(i.targets.items()):
        for session in sessions:
            for event in session.of_type("decision"):
                if event.id in i.committed_ids:
                    continue
                checked += 1
                if not event.text("rationale").strip():
                    bad.append(f"session {name}: decision {event.text('message')!r} (event {event.id}) has no rationale")
    if bad:
        noun = "decision has" if len(bad) == 1 else "decisions have"
        hint = ("events are never edited: record the decision again with `session-tracker decision --message … "
                "--rationale …` (a line never committed may be removed from its event file)")
        return FAIL, f"{len(bad)} {noun} no rationale", hint, bad
    if not checked:
        return SKIP, "no new decisions to check", "", []
    noun = "decision" if checked == 1 else "decisions"
    return PASS, f"{checked} {noun}, each with a rationale", "", []


def _branch(session: Session) -> object:
    git = session.git_start
    return git.get("branch") if git else None


def _previous(i: Inputs, session: Session) -> Session | None:
    """The session started last before ``session`` on the same branch (None: the first)."""
    assert session.started is not None
    begun = instant(session.started.ts)
    if i.mode == STAGED:  # read first lines only, then the one file that matters
        candidates = sorted((instant(ts), name, sid) for ts, name, sid in session_starts(i.ctx)
                            if sid != session.sid and instant(ts) < begun)
        for _, name, sid in reversed(candidates):
            found = [s for s in read_store_file(i.ctx, name) if s.sid == sid]
            if found and _branch(found[0]) == _branch(session):
                return found[0]
        return None
    earlier = [s for s in i.sessions().sessions
               if s.started is not None and s.sid != session.sid and instant(s.started.ts) < begun
               and _branch(s) == _branch(session)]
    return max(earlier, key=lambda s: instant(s.started.ts) if s.started else 0.0, default=None)


def previous_ended(i: Inputs) -> tuple[str, str, str, list[str]]:
    """Pass when, for each session judged, the session started before it on the same branch
    had ended (``end`` writes the handoff) before it started. Sessions on other branches are
    parallel lines of work and are not compared."""
    if not i.starting:
        return SKIP, "no session start to judge" + (" (no open session)" if i.mode != RANGE else " in this range"), "", []
    bad: list[str] = []
    for session in i.starting:
        if session.started is None:
            continue
        previous = _previous(i, session)
        if previous is None:
            continue
        if previous.ended is None:
            bad.append(f"session {previous.name} is still open; session {session.name} started without its handoff")
        elif instant(previous.ended.ts) > instant(session.started.ts):
            bad.append(f"session {previous.name} ended after session {session.name} had started, so {session.name} "
                       "did not begin from its handoff")
    if bad:
        hint = ("end a session (`session-tracker end`) before starting the next; to recover, end both and start a "
                "fresh one, which begins from the handoff (or, for parallel sessions on one branch, "
                '[check] disable = ["previous-ended"])')
        message = bad[0] if len(bad) == 1 else f"{len(bad)} sessions started before their predecessor ended"
        return FAIL, message, hint, bad if len(bad) > 1 else []
    names = ", ".join(s.name for s in i.starting)
    return PASS, f"session {names} began after its predecessor ended", "", []


def _valid_name(name: str) -> bool:
    from session_tracker.core.validate import session_name
    from session_tracker.errors import TrackerError

    try:
        session_name(name)
    except TrackerError:
        return False
    return True


def _commit_rules(i: Inputs, trailer: bool) -> tuple[str, str, str, list[str]]:
    if i.commits is None:
        return SKIP, "no open session: no commits to judge" if i.open is None else "no git history to judge", "", []
    # A merge belongs to what it merges; a commit of only the tracker's own files is the record.
    judged = [c for c in i.commits if not c.merge and not (c.files and all(i.own.owns(f) for f in c.files))]
    if not judged:
        return SKIP, "no commits to judge" + (f" in {i.range}" if i.range else " since the session began"), "", []
    project = i.sessions()
    known = {s.name for s in project.sessions}
    recorded = {str(c.get("sha")) for s in project.sessions for c in s.commits()}
    bad: list[tuple[CommitInfo, str]] = []
    for c in judged:
        if trailer:
            if not any(_valid_name(v) for v in c.sessions):
                bad.append((c, f"{_short(c.sha)} {c.subject}: no `Session:` trailer"))
        elif not (c.sha in recorded or any(v in known for v in c.sessions)):
            named = f" (its trailer names {', '.join(c.sessions)}, which has no events here)" if c.sessions else ""
            bad.append((c, f"{_short(c.sha)} {c.subject}: no session recorded it{named}"))
    excused: dict[str, str] = {}
    if bad:
        # Cherry-picks and reverts get no trailer (git runs no commit-msg hook for them): one
        # made during a tracked session is tracked (enforce.replayed).
        from session_tracker.enforce.replayed import tracked

        tied = {c.sha for c in i.commits if any(v in known for v in c.sessions)}
        excused = tracked(i.ctx.layout.root, [c for c, _ in bad], project.sessions, recorded, tied)
    failing = [line for c, line in bad if c.sha not in excused]
    scope = f"in {i.range}" if i.range else "since the session began"
    if failing:
        noun = "commit" if len(failing) == 1 else "commits"
        if trailer:
            hint = ("commits to come: `session-tracker hooks install` (commit-msg adds the trailer); commits not yet "
                    "pushed: `git rebase -i` with `git commit --amend --trailer 'Session: <id>'`; commits already "
                    "shared: do not rewrite them — check from after them (`check --range <last shared>..HEAD`) or "
                    "switch the rule off: [check] disable = [\"session-trailer\"]; cherry-pick with -x so the "
                    "copy names its origin")
            return FAIL, f"{len(failing)} {noun} {scope} without a `Session:` trailer", hint, failing
        hint = ("commit inside a session with the hooks installed (`session-tracker hooks install`); commits not yet "
                "pushed can take a `Session: <id>` trailer (git rebase -i, git commit --amend); for shared history "
                "disable the rule: [check] disable = [\"tracked-commits\"]")
        return FAIL, f"{len(failing)} {noun} {scope} belong to no tracked session", hint, failing
    noun = "commit" if len(judged) == 1 else "commits"
    each = "with a `Session:` trailer" if trailer else "in a tracked session"
    if excused:
        each += f" ({len(excused)} {'cherry-pick or revert' if len(excused) == 1 else 'cherry-picks or reverts'} made in a tracked session)"
    return PASS, f"{len(judged)} {noun} {scope}, each {each}", "", [f"{_short(sha)}: {why}" for sha, why in excused.items()]


def tracked_commits(i: Inputs) -> tuple[str, str, str, list[str]]:
    """Pass when every non-merge commit judged names a session with events here in its
    ``Session:`` trailer, or was recorded by a session (post-commit hook or ``end``)."""
    return _commit_rules(i, trailer=False)


def session_trailer(i: Inputs) -> tuple[str, str, str, list[str]]:
    """Pass when every non-merge commit judged carries a ``Session: <id>`` trailer."""
    return _commit_rules(i, trailer=True)


_CHECKS: dict[str, Callable[[Inputs], tuple[str, str, str, list[str]]]] = {
    "open-session": open_session,
    "log-updated": log_updated,
    "decision-rationale": decision_rationale,
    "documents-current": documents_current,
    "previous-ended": previous_ended,
    "tracked-commits": tracked_commits,
    "session-trailer": session_trailer,
}


def evaluate(inputs: Inputs, disabled: frozenset[str] | set[str]) -> list[dict[str, object]]:
    """Run every rule in :data:`RULE_IDS` order; see the module docstring for the outcome shape."""
    outcomes: list[dict[str, object]] = []
    for rule in RULE_IDS:
        _, modes, elsewhere = RULES[rule]
        if rule in disabled:
            outcomes.append(_outcome(rule, DISABLED, "switched off in .sessions/config.toml ([check] disable)"))
        elif inputs.mode not in modes:
            outcomes.append(_outcome(rule, SKIP, elsewhere))
        else:
            status, message, hint, details = _CHECKS[rule](inputs)
            outcomes.append(_outcome(rule, status, message, hint, details))
    return outcomes
