"""Which event file holds what: the file layout of ``.sessions/events/`` (issue 11).

Every file has one writer, so a plain three-way merge (all a hosting service runs) never
conflicts and no merge driver is needed:

* ``<number>-<sid>.jsonl`` — one session's events, written only by the clone that runs it. The
  session's ULID in the name means two clones never choose the same path, even when both
  picked the same number; the number in front keeps the directory readable.
* ``<number>-<sid>.jsonl`` holding only a ``session.renumbered`` event — ``renumber`` gives a
  session a new number by adding such a file (the session's own file is never touched again).
* ``project-<clone>-<branch>.jsonl`` — project events (plan, tasks, questions, next steps,
  memory) of one clone on one branch. ``<clone>`` is a random id kept in ``local/clone-id``
  (per worktree, never committed), ``<branch>`` the checked-out branch, so the file has one
  writer along one line of history and two branches never append to one path.
* legacy files from releases before issue 11: ``<number>.jsonl`` (a session file, perhaps two
  sessions after a ``merge=union``) and ``.sessions/project.jsonl``; read as before, never
  renamed (renaming would conflict with clones still writing them).

File names are listed with one ``os.listdir``; nothing here reads a file but the tiny renumber
files. Only ``os`` and ``re`` are imported (the hot path).
"""

from __future__ import annotations

import os
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.paths import Layout

_SESSION_STEM = re.compile(r"(?P<number>[A-Za-z0-9][A-Za-z0-9._-]{0,63})-(?P<sid>[0-9A-HJKMNP-TV-Z]{26})\Z")
_LEGACY_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
PROJECT_PREFIX = "project-"
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


def session_stem(number: str, sid: str) -> str:
    """The file stem (name without ``.jsonl``) of a new session's event file."""
    return f"{number}-{sid}"


def split_stem(stem: str) -> tuple[str, str]:
    """``(number, sid)`` of a session file stem; ``(number, "")`` for a legacy ``<number>``.

    Raises:
        ValueError: the stem is neither (a project file, a stray name).
    """
    match = _SESSION_STEM.match(stem)
    if match:
        return match.group("number"), match.group("sid")
    if _LEGACY_STEM.match(stem) and not stem.startswith(PROJECT_PREFIX):
        return stem, ""
    raise ValueError(stem)


class Listing:
    """The event files of a store, by kind (one ``os.listdir``).

    Attributes:
        stems: session file stems (new and legacy), sorted.
        by_sid: ``{sid: [stems]}`` for new-layout files (more than one after a renumber).
        by_number: ``{number in the file name: [stems]}``.
        project: project file stems (``project-…``), sorted.
    """

    __slots__ = ("_renumbered", "by_number", "by_sid", "project", "stems")

    def __init__(self, names: list[str]) -> None:
        self.stems: list[str] = []
        self.by_sid: dict[str, list[str]] = {}
        self.by_number: dict[str, list[str]] = {}
        self.project: list[str] = []
        self._renumbered: set[str] | None = None
        session_stem = _SESSION_STEM.match  # split_stem, inlined: 10,000 names per listing
        for filename in sorted(names):
            if not filename.endswith(".jsonl"):
                continue
            stem = filename[:-6]
            found = session_stem(stem)
            if found is not None:
                number, sid = found.groups()
            elif stem.startswith(PROJECT_PREFIX):
                self.project.append(stem)
                continue
            elif _LEGACY_STEM.match(stem):
                number, sid = stem, ""
            else:
                continue
            self.stems.append(stem)
            self.by_number.setdefault(number, []).append(stem)
            if sid:
                self.by_sid.setdefault(sid, []).append(stem)

    def changed(self, added: set[str], removed: set[str]) -> Listing:
        """A new listing: this one with the file names ``added`` and ``removed`` (a few: a
        command's own new file, a teammate's pulled in), equal to ``Listing`` of the new names
        without parsing the 10,000 that stayed. This one is left as it was."""
        gone = {name[:-6] for name in removed if name.endswith(".jsonl")}
        come = Listing(list(added))
        new = Listing([])
        new.project = sorted((set(self.project) - gone) | set(come.project))
        new.stems = sorted((set(self.stems) - gone) | set(come.stems))
        new.by_number = _merged(self.by_number, come.by_number, gone, "number")
        new.by_sid = _merged(self.by_sid, come.by_sid, gone, "sid")
        return new

    def renumbered(self) -> set[str]:
        """Sids with more than one file: they were renumbered (read those files to know to what).
        Computed once: a pass asks for every session it reads."""
        if self._renumbered is None:
            self._renumbered = {sid for sid, stems in self.by_sid.items() if len(stems) > 1}
        return self._renumbered


def _merged(old: dict[str, list[str]], come: dict[str, list[str]], gone: set[str], part: str) -> dict[str, list[str]]:
    """``old`` (a :class:`Listing`'s ``by_number`` or ``by_sid``, by ``part``) without the stems
    ``gone`` and with those of ``come``; lists sorted, as a listing's are."""
    out = dict(old)
    keys = set(come)
    for stem in gone:
        found = _SESSION_STEM.match(stem)
        keys.add(found.group(part) if found is not None else stem if part == "number" else "")
    for key in keys:
        stems = sorted({s for s in out.get(key, ()) if s not in gone} | set(come.get(key, ())))
        if stems:
            out[key] = stems
        else:
            out.pop(key, None)
    return out


#: Listings this process made, by directory: ``(modification times, names, listing, settled)``.
_SCANNED: dict[tuple[str, str], tuple[tuple[int, int], frozenset[str], Listing, bool]] = {}
#: A directory modified this recently may change again within its timestamp's tick (git's
#: "racily clean"): its listing is not trusted by its time alone.
RACY_NS = 2_000_000_000
#: Most names that :meth:`Listing.changed` takes; beyond, the names are parsed again.
FEW_CHANGES = 256


def _mtime(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1


def scan(layout: Layout) -> Listing:
    """The :class:`Listing` of ``layout.events_dir`` plus the sessions open here whose file git
    took away for a while (``stash -u``): their journals in ``local/journal/`` count too.

    A command on a store of 10,000 sessions asks several times, so the listing is kept in the
    process: used again without a look at the names while both directories keep a
    modification time over two seconds old (a file added, removed or renamed changes it);
    otherwise the names are listed again (a few ms) and only those added or removed since are
    parsed (:meth:`Listing.changed`: ``init`` has just made its session's file).
    """
    import time

    folders = (layout.events_dir, os.path.join(layout.local_dir, "journal"))
    stamp = (_mtime(folders[0]), _mtime(folders[1]))
    known = _SCANNED.get(folders)
    if known is not None and known[0] == stamp and known[3]:
        return known[2]
    names: set[str] = set()
    for folder in folders:
        try:
            names.update(os.listdir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
    frozen = frozenset(names)
    if known is not None and known[1] == frozen:
        listing = known[2]
    elif known is not None and len(frozen ^ known[1]) <= FEW_CHANGES:
        listing = known[2].changed(set(frozen - known[1]), set(known[1] - frozen))
    else:
        listing = Listing(list(names))
    _SCANNED[folders] = (stamp, frozen, listing, time.time_ns() - max(stamp) > RACY_NS)
    return listing


def branch_slug(git_dir: str | None) -> str:
    """The checked-out branch, made safe for a file name (``feature/x`` → ``feature_x``);
    ``detached`` on a detached HEAD, ``nogit`` outside git. Reads ``HEAD`` by hand (no git
    process: this runs for every plan change)."""
    if not git_dir:
        return "nogit"
    try:
        with open(os.path.join(git_dir, "HEAD"), encoding="utf-8") as handle:
            head = handle.read().strip()
    except OSError:
        return "nogit"
    if not head.startswith("ref: refs/heads/"):
        return "detached"
    return _SLUG.sub("_", head[len("ref: refs/heads/") :])[:80] or "detached"


def git_dir_of(root: str) -> str | None:
    """The git dir of the work tree at ``root`` (``.git`` itself, or where a worktree's or
    submodule's ``.git`` file points), or None outside git."""
    dot_git = os.path.join(root, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8") as handle:
            line = handle.read().strip()
    except OSError:
        return None
    if not line.startswith("gitdir:"):
        return None
    target = line[len("gitdir:") :].strip()
    return target if os.path.isabs(target) else os.path.normpath(os.path.join(root, target))


def common_dir_of(git_dir: str) -> str:
    """The common dir of ``git_dir`` (a linked worktree's ``commondir`` file), else itself."""
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            target = handle.read().strip()
    except OSError:
        return git_dir
    return target if os.path.isabs(target) else os.path.normpath(os.path.join(git_dir, target))


def clone_id(layout: Layout) -> str:
    """This worktree's clone id: 10 random lowercase base32 characters kept in
    ``local/clone-id`` with the root they were made for, made on first use. A store copied to
    another directory (``cp -r``) gets a new id, so two copies never write one file."""
    path = os.path.join(layout.local_dir, "clone-id")
    try:
        with open(path, encoding="utf-8") as handle:
            ident, _, root = handle.read().partition("\n")
        if root.strip() == layout.root and re.fullmatch(r"[0-9a-z]{10}", ident):
            return ident
    except OSError:
        pass
    alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
    ident = "".join(alphabet[b & 31] for b in os.urandom(10))
    from session_tracker.core.store import atomic_write

    atomic_write(path, f"{ident}\n{layout.root}\n".encode())
    return ident


def project_file(layout: Layout) -> str:
    """The project event file this worktree appends to: ``project-<clone>-<branch>.jsonl``."""
    name = f"{PROJECT_PREFIX}{clone_id(layout)}-{branch_slug(git_dir_of(layout.root))}.jsonl"
    return os.path.join(layout.events_dir, name)


def project_files(layout: Layout, listing: Listing | None = None) -> list[str]:
    """Every project event file: the legacy ``.sessions/project.jsonl`` first (if present),
    then ``events/project-*.jsonl`` in name order. Absolute paths."""
    listing = listing or scan(layout)
    found = [layout.project_file] if os.path.exists(layout.project_file) else []
    return found + [os.path.join(layout.events_dir, f"{stem}.jsonl") for stem in listing.project]
