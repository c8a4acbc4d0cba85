"""Where an open session's events live until they are published: never in git's way.

A tracked file that changes between commits blocks git: ``pull --rebase`` and ``rebase -i``
refuse "unstaged changes", ``switch`` refuses to overwrite it, ``stash -u`` takes an untracked
one away. So while a session is open here its events are appended to its **journal**,
``.sessions/local/journal/<stem>.jsonl`` (per worktree, never committed, same format, same
single ``os.write`` per line), and the committed file ``.sessions/events/<stem>.jsonl`` is
**published** from it only at three moments:

* ``init`` writes the file with the ``session.started`` line (the session's path is claimed);
* the ``pre-commit`` hook publishes and stages it, so each commit carries the events recorded
  before it (not on a branch that lacks the file while the session started on another: a
  session does not add its file to a branch it merely visits);
* ``end`` publishes the whole session and deletes the journal.

This worktree's project events (``project-<clone>-<branch>.jsonl``) go through a journal of the
same name the same way: published (and staged) by ``pre-commit``, published by ``end``.

Between those moments nothing the tracker owns changes in the work tree, so git behaves as
without it; and since the journal is outside git, ``stash -u``, ``reset --hard`` or a checkout
can take the file away but never the events (the next publish writes them back; ``end``
refuses while ``refs/stash`` holds the file, since writing it would make ``stash pop`` fail).

Readers fold the journal over the file (ids dedupe), so every view sees the open session whole.
Only ``os`` is imported (the hot path).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.paths import Layout


def path_of(layout: Layout, stem: str) -> str:
    """The journal of the session whose event file stem is ``stem``."""
    return os.path.join(layout.local_dir, "journal", f"{stem}.jsonl")


def stems(layout: Layout) -> set[str]:
    """Stems of every session with a journal here (sessions open in this worktree)."""
    try:
        return {f[:-6] for f in os.listdir(os.path.join(layout.local_dir, "journal")) if f.endswith(".jsonl")}
    except FileNotFoundError:
        return set()


def exists(layout: Layout, stem: str) -> bool:
    """True when the session has a journal here."""
    return os.path.exists(path_of(layout, stem))


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _ids(blob: bytes) -> list[tuple[str, bytes]]:
    import json

    out = []
    for raw in blob.split(b"\n"):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        out.append((str(value.get("id", "")) if isinstance(value, dict) else "", raw + b"\n"))
    return out


def published(layout: Layout, stem: str) -> bytes:
    """What the events file should hold: its own lines, then the journal's it lacks (in
    journal order); the journal's bytes alone when the file is a prefix of it (the usual case)."""
    journal = _read(path_of(layout, stem))
    current = _read(layout.session_file(stem))
    if journal.startswith(current) and (not current or current.endswith(b"\n")):
        return journal
    have = {ident for ident, _ in _ids(current) if ident}
    body = current if not current or current.endswith(b"\n") else current + b"\n"
    return body + b"".join(line for ident, line in _ids(journal) if ident not in have)


def stashed(layout: Layout, stem: str) -> bool:
    """True when the newest stash holds the session's events file (tracked or untracked)."""
    from session_tracker.git import proc

    rel = layout.relative(layout.session_file(stem))
    for rev in (f"refs/stash^3:{rel}", f"refs/stash:{rel}"):
        try:
            result = proc.run(["rev-parse", "-q", "--verify", rev], layout.root, check=False)
        except Exception:  # noqa: BLE001 - no git, no repository: nothing is stashed
            return False
        if result.returncode == 0:
            return True
    return False


def publish(layout: Layout, stem: str) -> bool:
    """Write the events file from the journal (atomically). Returns True when it changed.

    Raises:
        TrackerError: the file cannot be written.
    """
    from session_tracker.core.store import atomic_write

    return atomic_write(layout.session_file(stem), published(layout, stem))


def start_from_file(layout: Layout, stem: str) -> None:
    """Begin a journal with what the events file holds now."""
    from session_tracker.core.store import atomic_write

    try:
        with open(layout.session_file(stem), "rb") as handle:
            blob = handle.read()
    except FileNotFoundError:
        blob = b""
    atomic_write(path_of(layout, stem), blob, durable=False)


def project_stems(layout: Layout) -> list[str]:
    """Stems of this worktree's project-event journals (``project-<clone>-<branch>``)."""
    return sorted(s for s in stems(layout) if s.startswith("project-"))


def remove(layout: Layout, stem: str) -> None:
    """Forget the journal (at ``end``, once the events file holds every line)."""
    try:
        os.unlink(path_of(layout, stem))
    except OSError:
        pass
