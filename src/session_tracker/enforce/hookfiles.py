"""Installing and removing the git hook scripts (``hooks install`` / ``hooks uninstall``).

Each script is POSIX ``sh`` whose second line starts with :data:`MARKER`, which is how install,
uninstall and status recognise their own scripts. A hook that was already there is never
overwritten: it is moved (``os.replace``: same bytes, same mode, symlinks stay symlinks) to
``<hook>.before-session-tracker`` and the script runs it first with the same arguments and
stdin — scripts and binaries alike, since it is executed, not sourced — and keeps its verdict:
its failure still stops a pre-commit or commit-msg. A file git would not run (not executable)
stays unrun. Uninstall moves it back.

The scripts find the tool through the interpreter that ran ``hooks install`` (recorded as an
absolute path), then ``session-tracker`` on PATH; when neither works they warn and let git go
on. Only a failing rule in pre-commit (exit 1) stops a commit; any other failure of the tool is
a warning.
"""

from __future__ import annotations

import os
import sys

from session_tracker.enforce import HOOK_NAMES, SKIP_ENV
from session_tracker.errors import TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.context import Context

MARKER = "# session-tracker-hook:"
CHAINED = ".before-session-tracker"
_PROBE = 1024  # the marker sits in the first lines; a binary hook is not read further

# What the scripts run with ``python -S`` (no site: ~4 ms less start-up on every commit). The
# directories install found the package and its dependencies in come first; should the
# import fail anyway (a .pth-based install), ``site.main()`` does what -S skipped.
_BOOT = """import sys
if sys.path and sys.path[0] == "": del sys.path[0]
sys.path += {paths}
try:
    from session_tracker.hooks.git import main
except ImportError:
    try:
        import site; site.main()
        from session_tracker.hooks.git import main
    except ImportError as exc:
        sys.stderr.write("session-tracker: cannot import session_tracker (%s); hook skipped (run `session-tracker hooks install` again)\\n" % exc)
        sys.exit(0)
sys.exit(main(sys.argv[1:]))"""

_TEMPLATE = """#!/bin/sh
{marker} {hook} (written by `session-tracker hooks install`; `session-tracker hooks uninstall` removes it)
# Do not edit: a hook of your own goes in {hook}{chained}, which runs first (its failure still
# stops git); install moved any {hook} hook that was here to that name and uninstall puts it back.
hook={hook}
python={python}
status=0
case $0 in */*) dir=${{0%/*}} ;; *) dir=. ;; esac
chained="$dir/$hook{chained}"
if [ -f "$chained" ] && [ -x "$chained" ]; then
    "$chained" "$@"
    status=$?
    {on_chained_failure}
fi
case "${{{skip}:-}}" in
    ""|0) ;;
    *) {on_skip}exit $status ;;
esac
if [ -n "$python" ] && [ -x "$python" ]; then
    "$python" -S -c {boot} "$hook" "$@" </dev/null
    code=$?
elif command -v session-tracker >/dev/null 2>&1; then
    session-tracker hooks run "$hook" "$@" </dev/null
    code=$?
else
    echo "session-tracker: not found (no $python, no session-tracker on PATH); the $hook hook did nothing" >&2
    exit $status
fi
if [ "$code" -eq 1 ] && [ "$hook" = pre-commit ]; then
    exit 1
elif [ "$code" -ne 0 ]; then
    echo "session-tracker: the $hook hook failed (exit $code); git goes on" >&2
fi
exit $status
"""


def quote(text: str) -> str:
    """``text`` as one POSIX shell word."""
    return "'" + text.replace("'", "'\\''") + "'"


def package_paths() -> list[str]:
    """Where this interpreter finds session_tracker and its dependencies (for ``python -S``)."""
    import session_tracker

    found = [os.path.dirname(os.path.dirname(os.path.abspath(session_tracker.__file__)))]
    found += [p for p in sys.path if p.rstrip(os.sep).endswith(("site-packages", "dist-packages"))]
    return list(dict.fromkeys(found))


def script(hook: str, python: str, paths: list[str] | None = None) -> str:
    """The text of our script for ``hook`` calling the tool through ``python`` ('' for PATH
    only), which finds the package in ``paths`` (default: none; site decides)."""
    import json

    stops = hook in ("pre-commit", "commit-msg")  # git aborts the commit when these fail
    return _TEMPLATE.format(
        marker=MARKER,
        hook=hook,
        chained=CHAINED,
        python=quote(python),
        skip=SKIP_ENV,
        boot=quote(_BOOT.format(paths=json.dumps(paths or []))),
        on_chained_failure='[ "$status" -eq 0 ] || exit "$status"' if stops else ":",
        on_skip=('echo "session-tracker: $hook not checked (' + SKIP_ENV + ' is set); the commit will be listed '
                 'as untracked" >&2; ') if hook == "pre-commit" else "",
    )


def is_ours(path: str) -> bool:
    """True when ``path`` is a hook script written by :func:`install` (any version)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_PROBE)
    except OSError:
        return False
    return MARKER.encode() in head


def _exists(path: str) -> bool:
    return os.path.lexists(path)


class HooksDir:
    """Where the hooks of the repository at ``ctx.layout.root`` live, and whether that is safe.

    Attributes:
        path: absolute hooks directory (``core.hooksPath`` honoured; the common dir's
            ``hooks/`` for linked worktrees).
        outside: True when it lies outside this repository (a shared, global hooks path).
    """

    __slots__ = ("outside", "path")

    def __init__(self, ctx: Context) -> None:
        from session_tracker.git import plumbing
        from session_tracker.git.repo import find_repo

        repo = find_repo(ctx.layout.root)
        if repo is None:
            raise TrackerError(f"{ctx.layout.root} is not inside a git repository", "run `git init` first, or cd into one")
        try:
            self.path = plumbing.hooks_dir(repo.root)
        except TrackerError as exc:  # e.g. core.hooksPath under a file
            raise TrackerError(f"cannot use the hooks directory: {exc.message}",
                               "check core.hooksPath (git config --show-origin core.hooksPath)") from None
        inside = (repo.root, repo.git_dir, repo.common_dir)
        real = os.path.realpath(self.path)
        self.outside = not any(real == os.path.realpath(d) or real.startswith(os.path.realpath(d) + os.sep) for d in inside)


def _entry(hook: str, state: str, chained: str | None) -> dict[str, object]:
    return {"hook": hook, "state": state, "chained": chained}


def install(ctx: Context, python: str | None = None, force: bool = False) -> dict[str, object]:
    """Install the pre-commit, commit-msg and post-commit scripts (idempotent).

    Args:
        python: the interpreter the scripts run the tool with (default: this one).
        force: install into a hooks directory outside the repository (a global
            ``core.hooksPath``), and resolve a chaining conflict by keeping the older
            ``<hook>.before-session-tracker`` as ``….old``.
    Returns:
        ``{"v": 1, "hooks_dir", "python", "hooks": [{hook, state (installed|updated|unchanged),
        chained (file name or null)}], "notes": []}``.
    Raises:
        TrackerError: not a git repository; a hooks directory outside the repository without
        ``force``; one that cannot be created or written; a chaining conflict without
        ``force``. Nothing is changed when any of these is raised.
    """
    where = HooksDir(ctx)
    interpreter = sys.executable if python is None else python
    paths = package_paths() if python is None else []
    if where.outside and not force:
        raise TrackerError(
            f"the hooks directory {where.path} is outside this repository (core.hooksPath)",
            "hooks there run for every repository that uses it: pass --force to install there anyway, "
            "or use a hooks path inside the repository",
        )
    try:
        os.makedirs(where.path, exist_ok=True)
    except OSError as exc:
        raise TrackerError(f"cannot create the hooks directory {where.path}: {exc.strerror}",
                           "check its permissions, or point core.hooksPath somewhere writable") from None
    if not os.access(where.path, os.W_OK | os.X_OK):
        raise TrackerError(f"the hooks directory {where.path} is not writable",
                           f"give yourself write access (chmod u+w {where.path}) and run `session-tracker hooks install` again")
    notes: list[str] = []
    conflicts = []
    for hook in HOOK_NAMES:
        path = os.path.join(where.path, hook)
        if _exists(path) and not is_ours(path) and _exists(path + CHAINED):
            conflicts.append(hook)
    if conflicts and not force:
        names = ", ".join(f"{h} and {h}{CHAINED}" for h in conflicts)
        raise TrackerError(
            f"cannot chain: {names} are both there (a hook replaced session-tracker's after an earlier install)",
            f"move one of them out of {where.path}, or pass --force to keep the older one as <hook>{CHAINED}.old",
        )
    results = []
    done: list[tuple[str, str]] = []  # (moved from, moved to), to undo on failure
    try:
        for hook in HOOK_NAMES:
            path = os.path.join(where.path, hook)
            chained = path + CHAINED
            text = script(hook, interpreter, paths)
            if is_ours(path):
                with open(path, encoding="utf-8", errors="replace") as handle:
                    same = handle.read() == text
                state = "unchanged" if same and os.access(path, os.X_OK) else "updated"
            else:
                state = "installed"
            if state != "unchanged":
                tmp = os.path.join(where.path, f".{hook}.session-tracker.{os.getpid()}.tmp")
                with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(text)
                os.chmod(tmp, 0o755)
                if _exists(path) and state == "installed":
                    if _exists(chained):  # --force: the older chained hook is kept aside
                        os.replace(chained, chained + ".old")
                        done.append((chained, chained + ".old"))
                        notes.append(f"kept the older {hook}{CHAINED} as {hook}{CHAINED}.old")
                    os.replace(path, chained)
                    done.append((path, chained))
                os.replace(tmp, path)
                done.append(("", path))
            if _exists(chained) and not os.access(chained, os.X_OK) and not os.path.isdir(chained):
                notes.append(f"{hook}{CHAINED} is not executable, so it is not run (git did not run it either)")
            results.append(_entry(hook, state, hook + CHAINED if _exists(chained) else None))
    except OSError as exc:
        _undo(done)
        raise TrackerError(f"cannot install the hooks in {where.path}: {exc.strerror}",
                           "check the directory's permissions; nothing was changed") from None
    if not interpreter:
        notes.append("no interpreter recorded: the hooks run `session-tracker` from PATH")
    return {"v": 1, "hooks_dir": where.path, "python": interpreter, "hooks": results, "notes": notes}


def _undo(done: list[tuple[str, str]]) -> None:
    for source, target in reversed(done):
        try:
            if source:
                os.replace(target, source)
            else:
                os.unlink(target)
        except OSError:
            pass


def uninstall(ctx: Context) -> dict[str, object]:
    """Remove our scripts and put back what install moved aside, byte for byte with its mode.

    Returns:
        ``{"v": 1, "hooks_dir", "hooks": [{hook, state (removed|restored|not installed|not
        session-tracker's: left alone), chained}], "notes": []}``.
    Raises:
        TrackerError: not a git repository; the directory cannot be written.
    """
    where = HooksDir(ctx)
    results = []
    notes: list[str] = []
    try:
        for hook in HOOK_NAMES:
            path = os.path.join(where.path, hook)
            chained = path + CHAINED
            if is_ours(path) or (not _exists(path) and _exists(chained)):
                if _exists(chained):
                    os.replace(chained, path)
                    state = "restored"
                else:
                    os.unlink(path)
                    state = "removed"
            elif _exists(path):
                state = "not session-tracker's: left alone"
                if _exists(chained):
                    notes.append(f"{hook}{CHAINED} is still there: {hook} was replaced after install; "
                                 "move it back by hand if you want it")
            else:
                state = "not installed"
            results.append(_entry(hook, state, None))
    except OSError as exc:
        raise TrackerError(f"cannot change the hooks in {where.path}: {exc.strerror}",
                           "check the directory's permissions") from None
    return {"v": 1, "hooks_dir": where.path, "hooks": results, "notes": notes}


def status(ctx: Context) -> dict[str, object]:
    """What is installed: ``{"v": 1, "hooks_dir", "outside", "hooks": [{hook, state
    (installed|not installed|other hook), chained}], "notes": []}``."""
    where = HooksDir(ctx)
    results = []
    for hook in HOOK_NAMES:
        path = os.path.join(where.path, hook)
        state = "installed" if is_ours(path) else "other hook" if _exists(path) else "not installed"
        results.append(_entry(hook, state, hook + CHAINED if _exists(path + CHAINED) else None))
    return {"v": 1, "hooks_dir": where.path, "outside": where.outside, "hooks": results, "notes": []}


def post_commit_installed(hooks_dir: str) -> bool:
    """True when our post-commit script is in ``hooks_dir`` (commits are being recorded)."""
    return is_ours(os.path.join(hooks_dir, "post-commit"))
