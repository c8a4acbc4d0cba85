"""Short ids made without coordination: ``task-7kq2mz``, ``q-…``, ``n-…``, ``i-…``, ``b-…``.

Ids counted per clone (``task-4``, ``00003-1``) collide as soon as two clones work in
parallel: after a merge one side's items vanish or act on each other. These ids are a prefix and
six random Crockford base32 characters (30 bits, lowercase, easy to type): two clones adding a
thousand items each collide with a chance of about 1 in 1,000; a collision with an id the store
already holds is avoided by drawing again, and ``doctor`` reports one that arrives by a merge.
Ids of older releases (``task-N``, ``q-N``, ``n-N``, ``i-N``, ``<session>-N``) stay valid: an id is
only ever compared as a string.
"""

from __future__ import annotations

import os

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
LENGTH = 6


def short_id(prefix: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A new ``<prefix>-<6 chars>`` not in ``taken`` and not all digits (so it never looks like
    an id of the old sequential form)."""
    while True:
        suffix = "".join(_ALPHABET[b & 31] for b in os.urandom(LENGTH))
        ident = f"{prefix}-{suffix}"
        if not suffix.isdigit() and ident not in taken:
            return ident
