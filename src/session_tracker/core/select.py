"""Which session a typed key names: a number, a file stem, a session id or a unique prefix."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.model import Session

_CROCKFORD = frozenset("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def looks_like_sid_prefix(key: str) -> bool:
    """True when ``key`` could be (a prefix of) a session ULID: 4-26 Crockford characters."""
    return 4 <= len(key) <= 26 and all(c in _CROCKFORD for c in key.upper())


def choose(candidates: list[Session], key: str) -> Session | None:
    """The one session ``key`` names among ``candidates``: by number, by stem
    (``<number>-<sid>``), by sid or a unique sid prefix (any case). None when none matches.

    Raises:
        TrackerError: several sessions share the number, or the prefix matches several
            sessions (the message names every one, the hint how to pick one).
    """
    from session_tracker.errors import TrackerError

    named = [s for s in candidates if s.name == key]
    if not named:
        named = [s for s in candidates if s.file == key or f"{s.name}-{s.sid}" == key]
    if not named and looks_like_sid_prefix(key):
        named = [s for s in candidates if s.sid.startswith(key.upper())]
        if len(named) > 1:
            listed = ", ".join(f"{s.name} ({s.sid})" for s in named)
            raise TrackerError(f"{key!r} is the start of {len(named)} session ids: {listed}", "type more of the id")
    if len(named) > 1:
        named.sort(key=lambda s: s.sid)
        listed = ", ".join(f"{s.sid} (started {s.start_moment[:16].replace('T', ' ')}, branch {(s.git_start or {}).get('branch') or '-'})" for s in named)
        raise TrackerError(
            f"session number {key} is ambiguous: {len(named)} sessions have it: {listed}",
            f"select one by its id (a unique prefix is enough), e.g. --session {named[-1].sid[:12]}; "
            f"or give the later one its own number: session-tracker renumber {named[-1].sid[:12]}",
        )
    return named[0] if named else None
