"""ULIDs: 26-character, time-sortable identifiers made without coordination.

Format from the ULID spec (github.com/ulid/spec): 48-bit millisecond timestamp then 80 random
bits, Crockford base32. Events use them as ids and as the dedup key after ``merge=union``.
Kept here (20 lines) rather than as a dependency because it sits on the hot path of every
``strack log``: importing a package costs more than this whole module.
"""

from __future__ import annotations

import os
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid(now_ms: int | None = None) -> str:
    """Return a new ULID string (26 chars, uppercase Crockford base32).

    Args:
        now_ms: milliseconds since the Unix epoch; defaults to the current time.
    """
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    value = (ms << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))
