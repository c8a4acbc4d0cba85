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
        sids: the session id in each of ``stems`` ('' for a legacy ``<number>``), in step.
        project: project file stems (``project-…``), sorted.
        others: the other names listed (not event files), sorted.
        by_sid: ``{sid: [stems]}`` for new-layout files (more than one after a renumber);
            made on first use, as is
        by_number: ``{number in the file name: [stems]}`` (:meth:`numbered` looks one up
            without making it).
    """

    __slots__ = ("_by_number", "_by_sid", "_renumbered", "others", "project", "sids", "stems")

    def __init__(self, names: list[str]) -> None:
        stems: list[str] = []
        sids: list[str] = []
        project: list[str] = []
        others: list[str] = []
        session_stem = _SESSION_STEM.match  # split_stem, inlined: 10,000 names per listing
        for filename in sorted(names):
            stem = filename[:-6]
            found = session_stem(stem) if filename.endswith(".jsonl") else None
            if found is not None:
                sids.append(found.group("sid"))
            elif not filename.endswith(".jsonl"):
                others.append(filename)
                continue
            elif stem.startswith(PROJECT_PREFIX):
                project.append(stem)
                continue
            elif _LEGACY_STEM.match(stem):
                sids.append("")
            else:
                others.append(filename)
                continue
            stems.append(stem)
        self._set(stems, sids, project, others)

    def _set(self, stems: list[str], sids: list[str], project: list[str], others: list[str]) -> None:
        self.stems, self.sids, self.project, self.others = stems, sids, project, others
        self._by_number: dict[str, list[str]] | None = None
        self._by_sid: dict[str, list[str]] | None = None
        self._renumbered: set[str] | None = None

    @classmethod
    def of(cls, stems: list[str], sids: list[str], project: list[str], others: list[str]) -> Listing:
        """A listing of parts another listing gave (sorted, classified), without parsing them."""
        listing = cls.__new__(cls)
        listing._set(stems, sids, project, others)
        return listing

    def parts(self) -> tuple[list[str], list[str], list[str], list[str]]:
        """``(stems, sids, project, others)``, what :meth:`of` takes back."""
        return self.stems, self.sids, self.project, self.others

    def names(self) -> frozenset[str]:
        """The file names this listing was made of."""
        return frozenset([f"{stem}.jsonl" for stem in self.stems] + [f"{stem}.jsonl" for stem in self.project] + self.others)

    @property
    def by_number(self) -> dict[str, list[str]]:
        if self._by_number is None:
            out: dict[str, list[str]] = {}
            for stem, sid in zip(self.stems, self.sids):
                out.setdefault(stem[:-27] if sid else stem, []).append(stem)
            self._by_number = out
        return self._by_number

    @property
    def by_sid(self) -> dict[str, list[str]]:
        if self._by_sid is None:
            out: dict[str, list[str]] = {}
            for stem, sid in zip(self.stems, self.sids):
                if sid:
                    out.setdefault(sid, []).append(stem)
            self._by_sid = out
        return self._by_sid

    def has(self, stem: str) -> bool:
        """True when ``stem`` is one of :attr:`stems` (a binary search)."""
        from bisect import bisect_left

        at = bisect_left(self.stems, stem)
        return at < len(self.stems) and self.stems[at] == stem

    def numbered(self, number: str) -> list[str]:
        """``by_number.get(number, [])`` without making ``by_number``: the stems named with
        ``number`` sort together, from ``number`` itself on."""
        if self._by_number is not None:
            return list(self._by_number.get(number, []))
        from bisect import bisect_left

        out: list[str] = []
        at = bisect_left(self.stems, number)
        while at < len(self.stems) and self.stems[at].startswith(number):
            stem, sid = self.stems[at], self.sids[at]
            if (stem[:-27] if sid else stem) == number:
                out.append(stem)
            at += 1
        return out

    def of_sid(self, sid: str, stem: str) -> list[str]:
        """``by_sid.get(sid, [])``, known without making ``by_sid`` when ``stem`` (listed) is
        named with ``sid`` and no other file is (the session was never renumbered)."""
        if self._by_sid is None and sid and stem.endswith(f"-{sid}") and sid not in self.renumbered() and self.has(stem):
            return [stem]
        return list(self.by_sid.get(sid, []))

    def changed(self, added: set[str], removed: set[str]) -> Listing:
        """A new listing: this one with the file names ``added`` and ``removed`` (a few: a
        command's own new file, a teammate's pulled in), equal to ``Listing`` of the new names
        without parsing the 10,000 that stayed. This one is left as it was."""
        come = Listing(list(added))
        gone = set(removed)
        keep = {stem: sid for stem, sid in zip(self.stems, self.sids) if f"{stem}.jsonl" not in gone}
        keep.update(zip(come.stems, come.sids))
        stems = sorted(keep)
        project = sorted({p for p in self.project if f"{p}.jsonl" not in gone} | set(come.project))
        others = sorted((set(self.others) - gone) | set(come.others))
        return Listing.of(stems, [keep[stem] for stem in stems], project, others)

    def renumbered(self) -> set[str]:
        """Sids with more than one file: they were renumbered (read those files to know to what).
        Computed once: a pass asks for every session it reads."""
        if self._renumbered is None:
            seen: set[str] = set()
            twice: set[str] = set()
            for sid in self.sids:
                if sid:
                    (twice if sid in seen else seen).add(sid)
            self._renumbered = twice
        return self._renumbered


#: Listings this process made, by directory: ``(modification times, listing, settled)``.
_SCANNED: dict[tuple[str, str], tuple[tuple[int, int], Listing, bool]] = {}
#: A directory modified this recently may change again within its timestamp's tick (git's
#: "racily clean"): its listing is not trusted by its time alone.
RACY_NS = 2_000_000_000
#: Most names that :meth:`Listing.changed` takes; beyond, the names are parsed again.
FEW_CHANGES = 256
#: The listing kept for the next process (``local/listing.cache``, marshal): parsing 10,000
#: names costs 35 ms, loading them 3 ms. Bumped when its shape changes.
CACHE_FORMAT = 1


def _mtime(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1


def _cache_path(layout: Layout) -> str:
    return os.path.join(layout.local_dir, "listing.cache")


def _load(layout: Layout) -> tuple[tuple[int, int], Listing, bool] | None:
    """The listing the last process kept (:data:`CACHE_FORMAT`), or None (none, unreadable,
    of another Python: marshal's format is its own)."""
    import marshal
    import sys

    try:
        with open(_cache_path(layout), "rb") as handle:
            shape, version, stamp, settled, parts = marshal.loads(handle.read())
        if shape != CACHE_FORMAT or version != list(sys.version_info[:2]):
            return None
        return (stamp[0], stamp[1]), Listing.of(*parts), bool(settled)
    except Exception:  # noqa: BLE001 - a cache: anything wrong with it means "list again"
        return None


def _keep(layout: Layout, stamp: tuple[int, int], listing: Listing, settled: bool) -> None:
    import marshal
    import sys

    if not os.path.isdir(layout.local_dir):  # a store not made yet: nothing is created for a cache
        return
    from session_tracker.core.store import atomic_write
    from session_tracker.errors import TrackerError

    try:
        atomic_write(_cache_path(layout), marshal.dumps((CACHE_FORMAT, list(sys.version_info[:2]), list(stamp), settled,
                                                         list(listing.parts()))), durable=False)
    except TrackerError:  # read-only: the next process lists again
        pass


def forget(layout: Layout) -> None:
    """Drop the listing this process kept of ``layout`` (the next :func:`scan` looks again)."""
    _SCANNED.pop((layout.events_dir, os.path.join(layout.local_dir, "journal")), None)


def scan(layout: Layout) -> Listing:
    """The :class:`Listing` of ``layout.events_dir`` plus the sessions open here whose file git
    took away for a while (``stash -u``): their journals in ``local/journal/`` count too.

    A command on a store of 10,000 sessions asks several times, and every command asks, so the
    listing is kept in the process and in ``local/listing.cache`` for the next one: used again
    without a look at the names while both directories keep the modification time it was made
    at, over two seconds old (a file added, removed or renamed changes it); otherwise the names
    are listed again (a few ms) and only those added or removed since are parsed
    (:meth:`Listing.changed`: ``init`` has just made its session's file).
    """
    import time

    folders = (layout.events_dir, os.path.join(layout.local_dir, "journal"))
    stamp = (_mtime(folders[0]), _mtime(folders[1]))
    known = _SCANNED.get(folders)
    kept = None
    if known is None:
        known = kept = _load(layout)
    if known is not None and known[0] == stamp and known[2]:
        _SCANNED[folders] = known
        return known[1]
    names: set[str] = set()
    for folder in folders:
        try:
            names.update(os.listdir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
    frozen = frozenset(names)
    if known is not None:
        before = known[1].names()
        if before == frozen:
            listing = known[1]
        elif len(frozen ^ before) <= FEW_CHANGES:
            listing = known[1].changed(set(frozen - before), set(before - frozen))
        else:
            listing = Listing(list(names))
    else:
        listing = Listing(list(names))
    settled = time.time_ns() - max(stamp) > RACY_NS
    _SCANNED[folders] = (stamp, listing, settled)
    if kept is not None or known is None:  # the first listing of this process: kept for the next
        _keep(layout, stamp, listing, settled)
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
