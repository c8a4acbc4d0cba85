"""``md.text`` splits and joins lines only when the text has a line break: the same result as
splitting every text, for every character ``str.splitlines`` breaks at."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from session_tracker.documents import md

BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _split_always(value: str) -> str:
    escaped = md._SPECIAL_RE.sub(lambda m: md._SPECIAL[m.group()], value.strip())
    escaped = "<br>".join(line.strip() for line in escaped.splitlines())
    if escaped.endswith("#"):
        escaped = escaped[:-1] + "\\#"
    return md._BLOCK_START.sub(md._escape_block_start, escaped, count=1)


@given(st.text(alphabet=st.one_of(st.sampled_from(list(BREAKS + " #-_*|`1.")), st.characters()), max_size=30))
def test_one_line_or_many_the_text_is_the_same(value: str) -> None:
    assert md.text(value) == _split_always(value)


def test_every_line_break_splitlines_knows_is_a_break() -> None:
    assert all(len(f"a{ch}b".splitlines()) == 2 for ch in BREAKS)
    assert [md.text(f"a{ch} b") for ch in BREAKS] == ["a<br>b"] * len(BREAKS)
