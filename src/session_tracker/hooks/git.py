"""What the git hook scripts run. On every commit: ``pre-commit`` (publish the open session's
events from its journal and stage them, then ``check --staged``), ``commit-msg`` (the
``Session:`` trailer) and ``post-commit`` (a ``commit`` event, into the journal: the tree stays
clean). After git changed the work tree: ``post-checkout``, ``post-merge`` (``render``: the
documents are views git ignores, so each machine brings its own up to date) and
``post-rewrite`` (a ``commits.rewritten`` event mapping each amended or rebased commit to its
replacement, then ``render``).

The scripts call :func:`main` through ``python -c`` (no click, no rich: the pre-commit hook has
a 50 ms budget), and ``session-tracker hooks run <hook>`` reaches it through the entry point's
fast path (what the pre-commit framework's hook definitions call).

Contract with git: only a failing rule in pre-commit returns 1 (git refuses the commit). Every
other problem — a bad config, no git, a bug — is printed as a warning on stderr and returns 0,
so a broken tracker never stops anyone from committing; ``check`` in CI still fails on it.
During a rebase, ``git am`` or a merge nothing is enforced and no trailer is added (those
commits were judged when they were first made, or merge work that is judged elsewhere).
"""

from __future__ import annotations

import os
import sys

from session_tracker.enforce import HOOK_NAMES, skipping
from session_tracker.errors import TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.context import Context
    from session_tracker.core.model import Session

#: Operations during which the hooks step aside: commits replayed or merged, not authored.
REPLAYING = frozenset({"rebase", "am", "merge", "cherry-pick", "revert"})
MAX_FILES = 1000  # files listed in one commit event (a line holds at most 64 KiB)
_SCISSORS = "------------------------ >8 ------------------------"


def _say(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")
    sys.stderr.flush()


def main(argv: list[str]) -> int:
    """Run hook ``argv[0]`` with git's arguments ``argv[1:]``; returns the exit code for git.

    Returns:
        1 when pre-commit refuses the commit; 2 for an unknown hook name; else 0.
    """
    if not argv or argv[0] not in HOOK_NAMES:
        _say(f"usage: session-tracker hooks run {{{'|'.join(HOOK_NAMES)}}} [git's arguments]")
        return 2
    hook, args = argv[0], argv[1:]
    from session_tracker.git.proc import freeze_env

    freeze_env()  # one short-lived process: build git's environment once
    if skipping(dict(os.environ)):
        if hook == "pre-commit":
            _say("session-tracker: pre-commit not checked (SESSION_TRACKER_SKIP is set); "
                 "the commit will be listed as untracked")
        return 0
    try:
        if hook == "pre-commit":
            return pre_commit()
        if hook == "commit-msg":
            commit_msg(args[0] if args else "")
        elif hook == "post-commit":
            post_commit()
        elif hook == "post-rewrite":
            post_rewrite(args[0] if args else "", sys.stdin.read() if not sys.stdin.isatty() else "")
        else:  # post-checkout, post-merge
            after_git()
        return 0
    except TrackerError as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        _say(f"session-tracker: {hook}: {exc.message}{hint}; git goes on")
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug in the tracker must not stop a commit
        from session_tracker.core.redact import redact
        from session_tracker.errors import crash_report

        _say(f"session-tracker: {hook}: internal error {type(exc).__name__}: {exc}; git goes on "
             f"(this is a bug; the traceback is in {crash_report(exc, redact)})")
        return 0


def _context(actor: str | None = None) -> Context:
    from session_tracker.core.context import Context

    return Context(actor=actor)


def _replaying(ctx: Context) -> str | None:
    from session_tracker.git.plumbing import operation

    op = operation(ctx.layout.root)
    return op if op in REPLAYING else None


def pre_commit() -> int:
    """``check --staged``; prints the failures and returns 1 when a rule fails.

    Git is started first, before the rest of the tool is imported, so that reading the
    index (the slow part on a large repository) overlaps with Python's work."""
    from session_tracker.core.paths import locate
    from session_tracker.git import plumbing as gitx

    layout = locate()
    op = gitx.operation(layout.root)
    if op in REPLAYING:
        _say(f"session-tracker: {op} in progress: rules not checked for this commit")
        return 0
    index = os.environ.get("GIT_INDEX_FILE")
    index_file = os.path.abspath(index) if index else None
    publish_open(layout, index_file)
    started = gitx.StagedQuery(layout.root, index_file) if gitx.git_dir(layout.root) else None
    from session_tracker.commands.check import check
    from session_tracker.core.context import Context

    result = check(Context(layout=layout), staged=True, index_file=index_file, started=started)
    if result["ok"]:
        return 0
    from session_tracker.views.enforce import refused

    _say(refused(result))
    return 1


def _open_session(ctx: Context) -> Session | None:
    from session_tracker.core.sessions import require_open, resolve

    try:
        return require_open(resolve(ctx))
    except TrackerError:
        return None


def _message_is_empty(ctx: Context, path: str) -> bool:
    """True when git would abort the commit for an empty message: nothing left once comments
    (``core.commentChar``) and everything below a ``commit -v`` scissors line are removed."""
    from session_tracker.git.plumbing import strip_comments

    with open(path, "rb") as handle:
        raw = handle.read()
    kept = []
    for line in raw.split(b"\n"):
        if line[2:].rstrip(b"\r") == _SCISSORS.encode() and line[1:2] == b" ":
            break
        kept.append(line)
    if any(line[:1].isalnum() for line in kept):
        return False  # a line starting with a letter or digit is text whatever core.commentChar is
    return not strip_comments(ctx.layout.root, b"\n".join(kept)).strip()


def commit_msg(message_file: str) -> bool:
    """Add ``Session: <id>`` to the message when a session is open here. Returns True when the
    trailer was added (or already there).

    Not added: without an open session (pre-commit judges that), during a merge, rebase or
    ``git am``, when ``session-trailer`` is disabled, or to an empty message (git must still
    abort the commit as it would without the hook).
    """
    if not message_file:
        return False
    path = os.path.abspath(message_file)
    ctx = _context()
    if _replaying(ctx) or "session-trailer" in ctx.config["check"]["disable"]:  # type: ignore[operator]
        return False
    session = _open_session(ctx)
    if session is None or _message_is_empty(ctx, path):
        return False
    from session_tracker.git.plumbing import add_trailer

    add_trailer(ctx.layout.root, path, session.name)
    return True


def post_commit() -> dict[str, object] | None:
    """Record HEAD as a ``commit`` event (sha, subject, files — the tracker's own files left
    out) in the session open here, and re-render its work log. Returns the event's data, or
    None when nothing was recorded (no open session: say so; a rebase; already recorded; a
    commit of only the tracker's own files, which is the record itself)."""
    from session_tracker.git import plumbing as gitx

    ctx = _context(actor="git-hook")
    if _replaying(ctx) in ("rebase", "am"):
        return None  # replayed commits keep their Session trailers; recording them would duplicate
    session = _open_session(ctx)
    info = gitx.commit(ctx.layout.root, "HEAD", with_files=True)
    if info is None:
        return None
    from session_tracker.enforce.inputs import Ownership

    own = Ownership(ctx)
    if info.files and all(own.owns(f) for f in info.files):
        # The record itself (events, documents): recording it would dirty the tree again, and
        # committing that would be recorded, and so on.
        return None
    if session is None:
        _say(f"session-tracker: commit {info.sha[:7]} not recorded: no session is open here "
             "(start one with `session-tracker init` before the next commit)")
        return None
    if any(e.type == "commit" and e.text("sha") == info.sha for e in session.events):
        return None
    from session_tracker.core.sessions import record
    from session_tracker.documents import writer

    files = [f for f in info.files if not own.owns(f)]  # as the end capture, the tracker's files left out
    data: dict[str, object] = {"sha": info.sha, "subject": info.subject, "files": files[:MAX_FILES]}
    if len(files) > MAX_FILES:
        data["files_total"] = len(files)
    record(ctx, session, "commit", data)
    writer.write_session(ctx, session.file, session.sid, kinds=("log",), known=session, durable=False)
    return data


def publish_open(layout: object, index_file: str | None) -> list[str]:
    """Publish each session open here from its journal to its events file and stage it, so
    the commit carries the events recorded before it (core/journal.py). Not on a branch that lacks
    the file while the session started on another (it belongs there); a file ``git stash`` holds
    is left alone. Returns the paths staged."""
    from session_tracker.core import journal
    from session_tracker.core.paths import Layout
    from session_tracker.core.sessions import open_here

    assert isinstance(layout, Layout)
    staged = []
    branch = _branch(layout.root)
    from session_tracker.core.files import branch_slug, git_dir_of

    slug = "-" + branch_slug(git_dir_of(layout.root))
    for stem in journal.project_stems(layout):  # this worktree's project events, on this branch only
        if stem.endswith(slug):
            target = layout.session_file(stem)
            journal.publish(layout, stem)
            from session_tracker.git import proc

            proc.run(["add", "--", layout.relative(target)], layout.root, index_file=index_file, check=False)
            staged.append(layout.relative(target))
    for stem in sorted(open_here(layout)):
        if not journal.exists(layout, stem):
            continue
        target = layout.session_file(stem)
        if not os.path.exists(target) and _start_branch(journal.path_of(layout, stem)) not in (None, branch):
            continue  # visiting a branch that lacks the file: it belongs to the branch that has it
        if not os.path.exists(target) and journal.stashed(layout, stem):
            continue
        journal.publish(layout, stem)
        from session_tracker.git import proc

        proc.run(["add", "--", layout.relative(target)], layout.root, index_file=index_file, check=False)
        staged.append(layout.relative(target))
    return staged


def _branch(root: str) -> str | None:
    from session_tracker.core.files import git_dir_of

    git_dir = git_dir_of(root)
    try:
        with open(os.path.join(git_dir or "", "HEAD"), encoding="utf-8") as handle:
            head = handle.read().strip()
    except OSError:
        return None
    return head[len("ref: refs/heads/") :] if head.startswith("ref: refs/heads/") else None


def _start_branch(path: str) -> str | None:
    """The branch recorded in the first line (``session.started``) of a journal, or None."""
    import json

    try:
        with open(path, "rb") as handle:
            first = json.loads(handle.readline())
        branch = first["data"]["git"]["branch"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return branch if isinstance(branch, str) else None


def after_git() -> dict[str, object] | None:
    """``post-checkout`` / ``post-merge``: bring the documents up to date with the events git
    just changed (an incremental ``render``: nothing changed, nothing read). Does nothing in a
    repository without a store."""
    ctx = _context(actor="git-hook")
    if not ctx.layout.exists():
        return None
    from session_tracker.commands.render import render

    return render(ctx)


def post_rewrite(command: str, stdin: str) -> dict[str, object] | None:
    """Record which commits ``git commit --amend`` or ``git rebase`` replaced (git's stdin:
    ``<old sha> <new sha> [extra]`` per line) as ``commits.rewritten`` in the session open here,
    so its handoff lists the replacements, not the replaced; then render."""
    ctx = _context(actor="git-hook")
    if not ctx.layout.exists():
        return None
    pairs: dict[str, str] = {}
    for line in stdin.splitlines():
        parts = line.split()
        if len(parts) >= 2 and all(len(p) >= 40 for p in parts[:2]):
            pairs[parts[0]] = parts[1]
    session = _open_session(ctx)
    data: dict[str, object] | None = None
    if session is not None and pairs:
        from session_tracker.core.sessions import record

        data = {"command": command or "rebase", "map": pairs}
        record(ctx, session, "commits.rewritten", data)
    after_git()
    return data
