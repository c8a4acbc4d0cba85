"""The one place the views set up rich: rendering to text for stdout, and a console on stderr
for progress bars. rich is imported here, inside the functions, never on the hot path."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from rich.console import Console


def to_text(renderable: object) -> str:
    """Render a rich renderable to plain text as wide as the terminal (at least 80 columns; no
    colour codes: the text goes through :mod:`session_tracker.output`)."""
    import io
    import shutil

    from rich.console import Console

    buffer = io.StringIO()
    width = max(shutil.get_terminal_size((100, 24)).columns, 80)
    Console(file=buffer, width=width, highlight=False, soft_wrap=False).print(renderable)
    return buffer.getvalue()


def stderr_console() -> Console:
    """A rich console on stderr, for progress bars (shown only when stderr is a terminal)."""
    from rich.console import Console

    return Console(stderr=True)
