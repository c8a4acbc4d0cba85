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
from session_tracker.core.model import Project, Session
from session_tracker.enforce import RULE_IDS
from session_tracker.enforce.inputs import KINDS, Inputs, read_store_file, session_kinds, session_starts

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from session_tracker.git.plumbing import CommitInfo

PASS, FAIL, SKIP, DISABLED = "pass", "fail", "skip", "disabled"
PLAIN, STAGED, RANGE = "plain", "staged", "range"

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


def _latest(sessions: list[Session]) -> Session:
    return max(sessions, key=lambda s: instant(s.start_moment))


def _project_texts(i: Inputs) -> dict[str, str]:
    """``{relative path: text}`` of the project documents the events call for (only when some
    are there to judge)."""
    if not i.project_documents:
        return {}
    from session_tracker.documents.writer import expected_project

    return {i.ctx.layout.relative(p): t for p, t in expected_project(i.ctx, i.project()).items()}


FEW = 200  # sessions whose documents plain check renders from a sparse view, all read in full at once


def _judged(i: Inputs, name: str, session: Session) -> list[tuple[str, str]]:
    """``[(kind, relative path)]`` of the session documents judged for ``session`` (named
    ``name``): each kind switched on, the handoff once it has ended."""
    out = []
    for kind in KINDS:
        path = i.document_path(kind, name)
        if path is not None and not (kind == "handoff" and session.ended is None):
            out.append((kind, path))
    return out


def _judged_paths(i: Inputs, name: str, session: Session) -> list[str]:
    return [path for _, path in _judged(i, name, session)]


def documents_current(i: Inputs) -> tuple[str, str, str, list[str]]:
    """Pass when each document of the target sessions equals a fresh render of their events
    (what ``render`` would write), as found on disk, in the index or at the range's end."""
    from session_tracker.documents.writer import expected_lifecycle, render_kind

    stale: list[str] = []
    missing: list[str] = []
    compared = 0
    # The session documents a target session has on disk (or staged, or at the range's end).
    extra_kinds = [k for k in session_kinds(i.ctx) if k not in KINDS]
    present: dict[str, list[str]] = {}
    for name in i.targets if extra_kinds else ():
        paths = [p for k in extra_kinds if (p := i.document_path(k, name)) and i.documents.get(p) is not None
                 and (i.touched is None or p in i.touched)]
        if paths:
            present[name] = paths

    def judge(path: str, text: str | None, found: Mapping[str, bytes | None] = i.documents) -> None:
        nonlocal compared
        if text is None:
            return
        actual = found.get(path)
        if actual is None:
            missing.append(path)
        elif actual != text.encode("utf-8"):
            stale.append(path)
        else:
            compared += 1

    def session_documents(name: str, session: Session, project: Project | None) -> None:
        for kind, path in _judged(i, name, session):
            judge(path, render_kind(kind, session, project if kind == "handoff" else None))

    def lifecycle_documents(project: Project, sessions: list[Session], paths: list[str]) -> None:
        rendered = {i.ctx.layout.relative(p): t for p, t in expected_lifecycle(i.ctx, project, sessions).items()}
        for path in paths:
            judge(path, rendered.get(path))

    if i.mode == PLAIN:
        # Every session of the store: read one at a time, the others from the index's summary
        # view (documents/bulk.py), so memory stays that of the largest session. A document the
        # render manifest vouches for (documents/current.py) is not rendered again.
        from session_tracker.documents.bulk import each_full
        from session_tracker.documents.current import known_current

        known = {i.ctx.layout.relative(p) for p in known_current(i.ctx)}
        latest: dict[str, str] = {}
        unknown: set[str] = set()
        for name, sessions in i.targets.items():
            session = _latest(sessions)
            paths = _judged_paths(i, name, session) + present.get(name, [])
            if all(p in known for p in paths):  # (a missing document is never known: it is judged)
                compared += len(paths)
            else:
                latest[session.sid] = name
                unknown.add(session.file)
        if i.project_documents and all(p in known for p in i.project_documents):
            compared += len(i.project_documents)
            wanted_project = {}
            project_documents: dict[str, bytes | None] = {}
        else:
            wanted_project = _project_texts(i)  # from the summary view, as render writes them
            project_documents = i.project_documents
        if unknown and len(unknown) <= FEW and not any(name in present for name in latest.values()):
            # as render does for a few sessions: their handoffs need of the others only their
            # blockers and metrics (documents/handoff_view.py), not the summary of every session
            from session_tracker.documents.handoff_view import OTHERS
            from session_tracker.index import project_view

            sparse, full = project_view(i.ctx.layout, unknown, OTHERS, sparse=True)
            for session in full:
                if session.sid in latest:
                    session_documents(latest[session.sid], session, sparse)
        elif unknown:
            for session, project in each_full(i.ctx, i.project(), label="checking", only=unknown):
                target = latest.get(session.sid)
                if target is None:
                    continue
                session_documents(target, session, project)
                if target in present:
                    lifecycle_documents(project, [session], present[target])
    else:
        for name, sessions in sorted(i.targets.items()):
            session_documents(name, _latest(sessions), i.project())
        # Other features' session documents (seed 003's …): those present, as docs renders them.
        if present:
            chosen = [_latest(i.targets[name]) for name in sorted(present)]
            lifecycle_documents(i.project(), chosen, [p for paths in present.values() for p in paths])
        wanted_project = _project_texts(i)
        project_documents = i.project_documents
    for path in sorted(project_documents):
        judge(path, wanted_project.get(path), project_documents)
    if missing and i.mode == STAGED:  # only what exists and should have been staged
        missing = [m for m in missing if os.path.lexists(os.path.join(i.ctx.layout.root, m))]
    if missing and i.mode != PLAIN:
        fine = i.ignored(missing)  # a project may choose not to commit its documents
        missing = [m for m in missing if m not in fine]
    where = {PLAIN: "", STAGED: " (as staged)", RANGE: f" (at the end of {i.range})"}[i.mode]
    details = [f"{p}: differs from what the events say{where}" for p in stale]
    details += [f"{p}: {'missing' if i.mode == PLAIN else 'not staged' if i.mode == STAGED else 'not committed'}" for p in missing]
    if details:
        hint = {
            PLAIN: "record changes as events, then `session-tracker render` rewrites the documents",
            STAGED: "run `session-tracker render`, then `git add` the documents with the events",
            RANGE: "run `session-tracker render` and commit the documents",
        }[i.mode]
        noun = "document is" if len(details) == 1 else "documents are"
        return FAIL, f"{len(details)} {noun} not current{where}", hint, details
    if not compared:
        return SKIP, "no session documents to compare" + ("" if i.mode != STAGED else " in this commit"), "", []
    noun = "document matches" if compared == 1 else "documents match"
    return PASS, f"{compared} {noun} the events", "", []


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
