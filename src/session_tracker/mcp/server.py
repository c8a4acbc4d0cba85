"""``session-tracker mcp``: the session tools over MCP (stdio), for agents that prefer tools to
shell commands.

Built on the official ``mcp`` Python SDK (2.x: ``mcp.server.mcpserver.MCPServer``, formerly
FastMCP), an optional extra: ``pip install 'session-tracker[mcp]'``. Only the ``mcp`` command
imports this module, so the rest of the tool never pays for the SDK.

Nine tools, because an agent pays context tokens for every tool it is shown (the whole list is
checked by a test): ``session_start`` (start a session, or resume the one open here, with the
handoff to read), ``session_status``, ``log``, ``decision``, ``blocker`` (open or resolve),
``task_update``, ``handoff`` (show, or add an item), ``end`` and ``search`` (refs and snippets
first, one item in full on request). Each one calls the same command function the CLI calls; a
:class:`TrackerError` comes back as an MCP tool error (``isError``) whose text is the message
and the hint — the hint rewritten to name MCP tools and their arguments instead of CLI commands
and flags (:func:`mcp_hint`) — and any other exception as a tool error naming it: the server
never crashes on a call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from session_tracker import __version__
from session_tracker.core.context import Context
from session_tracker.core.events import CATEGORIES
from session_tracker.core.paths import Layout
from session_tracker.errors import TrackerError

INSTRUCTIONS = (
    "Records this repository's working session: log progress, record decisions with their "
    "rationale, open and resolve blockers, update tasks, leave next steps for the next session "
    "(handoff), and end the session. Call session_start first: it starts a session or resumes "
    "the open one and returns the previous handoff."
)
#: CLI commands as the MCP tools that do the same.
TOOL_FOR = {
    "init": "session_start", "summary": "session_status", "status": "session_status", "list": "session_status",
    "show": "session_status", "log": "log", "decision": "decision", "blocker": "blocker", "task": "task_update",
    "handoff": "handoff", "end": "end",
}
_CLI_COMMAND = re.compile(r"`session-tracker (\w+)[^`]*`")
_CLI_FLAG = re.compile(r"(?<![\w-])--([a-z][a-z-]*)(?:[ =](\"[^\"]*\"|[^\s,`)]+))?")
_EXPORT = re.compile(r"`export CURRENT_SESSION=([^`]+)`")


def mcp_hint(hint: str) -> str:
    """A CLI hint in an MCP client's terms: `` `session-tracker init` `` → the ``session_start``
    tool, ``--rationale "…"`` → the ``rationale`` argument, ``--session X`` → ``session="X"``."""
    hint = _EXPORT.sub(lambda m: f'session="{m.group(1)}"', hint).replace(" or CURRENT_SESSION", "")
    hint = _CLI_COMMAND.sub(lambda m: f"the {TOOL_FOR.get(m.group(1), m.group(1))} tool", hint)

    def flag(match: re.Match[str]) -> str:
        name = match.group(1).replace("-", "_")
        name = {"next": "next_steps", "alternative": "alternatives", "resolve": "blocker_id", "item": "item"}.get(name, name)
        value = match.group(2)
        if value in ("or", "and", "to", "with", "first"):  # prose after a bare flag, not its value
            return f"the {name} argument {value}"
        return f"{name}={value}" if value and value.startswith('"') else f'{name}="{value}"' if value else f"the {name} argument"

    return re.sub(r"(\S+) or \1(?!\S)", r"\1", _CLI_FLAG.sub(flag, hint))

Session = Annotated[str | None, Field(description="Session name; default: the one open session here.")]


def _call(action: Callable[[], dict[str, object]]) -> dict[str, Any]:
    try:
        return dict(action())
    except TrackerError as exc:
        raise ToolError(f"{exc.message}\nhint: {mcp_hint(exc.hint)}" if exc.hint else exc.message) from None
    except Exception as exc:  # noqa: BLE001 - a bug must not take the server down
        raise ToolError(f"internal error: {type(exc).__name__}: {exc}") from None


def build(root: str | None = None, actor: str | None = None) -> MCPServer:
    """The MCP server with its eight tools.

    Args:
        root: the project root (default: found from the working directory, as the CLI does).
        actor: who the events are written by (default ``$SESSION_TRACKER_ACTOR``, else ``mcp``).
    """
    server = MCPServer("session-tracker", version=__version__, instructions=INSTRUCTIONS)

    def context() -> Context:
        ctx = Context(layout=Layout(root) if root else None)
        ctx.actor = actor or ctx.env.get("SESSION_TRACKER_ACTOR") or "mcp"
        return ctx

    @server.tool()
    def session_start(
        objective: Annotated[str | None, Field(description="What a new session sets out to do.")] = None,
        new: Annotated[bool, Field(description="Start a new session even if one is open.")] = False,
        session: Session = None,
    ) -> dict[str, Any]:
        """Start a session, or resume the one open here; returns it with the handoff to read."""
        return _call(lambda: _start(context(), objective, new, session))

    @server.tool()
    def session_status(session: Session = None) -> dict[str, Any]:
        """Where the session stands: duration, entries, decisions, open blockers, next steps,
        files changed, commits."""
        from session_tracker.commands.summary import summary

        return _call(lambda: summary(context(), session=session))

    @server.tool()
    def log(
        message: Annotated[str, Field(description="What was done.")],
        category: Annotated[Literal[CATEGORIES], Field(description="Kind of work.")] = "implementation",  # type: ignore[valid-type]
        session: Session = None,
    ) -> dict[str, Any]:
        """Add an entry to the session's work log."""
        from session_tracker.commands.log import log as run

        return _call(lambda: run(context(), message, category=category, session=session))

    @server.tool()
    def decision(
        message: Annotated[str, Field(description="The decision.")],
        rationale: Annotated[str, Field(description="Why it was made (required).")],
        alternatives: Annotated[list[str] | None, Field(description="Options considered and not taken.")] = None,
        session: Session = None,
    ) -> dict[str, Any]:
        """Record a decision with its rationale."""
        from session_tracker.commands.decision import decision as run

        return _call(lambda: run(context(), message, rationale, tuple(alternatives or ()), session=session))

    @server.tool()
    def blocker(
        action: Annotated[Literal["open", "resolve"], Field(description="open a blocker, or resolve one")],
        message: Annotated[str, Field(description="What blocks (open) or how it was solved (resolve).")],
        blocker_id: Annotated[str | None, Field(description="The blocker to resolve, e.g. 00003-1.")] = None,
        session: Session = None,
    ) -> dict[str, Any]:
        """Open a blocker or open question, or resolve one by its id."""
        from session_tracker.commands import blocker as cmd

        if action == "resolve":
            if not blocker_id:
                raise ToolError("resolving needs blocker_id\nhint: session_status lists the open blockers")
            chosen = blocker_id
            return _call(lambda: cmd.resolve_blocker(context(), chosen, message, session=session))
        return _call(lambda: cmd.open_blocker(context(), message, session=session))

    @server.tool()
    def task_update(
        task: Annotated[str, Field(description="The task, in a few words.")],
        status: Annotated[Literal["todo", "in_progress", "blocked", "done"], Field(description="Its state now.")],
        note: Annotated[str | None, Field(description="Detail worth keeping.")] = None,
        session: Session = None,
    ) -> dict[str, Any]:
        """Record a task's new state (the next session sees tasks in progress)."""
        from session_tracker.commands.task import update

        return _call(lambda: update(context(), task, status, note, session=session))

    @server.tool()
    def handoff(
        item: Annotated[str | None, Field(description="A next step to add; omit to read the newest handoff.")] = None,
        session: Session = None,
    ) -> dict[str, Any]:
        """Add a next step for the next session, or read the newest handoff."""
        from session_tracker.commands import handoff as cmd

        if item is not None:
            chosen = item
            return _call(lambda: cmd.add_item(context(), chosen, session=session))
        return _call(lambda: cmd.show(context(), session))

    @server.tool()
    def end(
        next_steps: Annotated[list[str] | None, Field(description="What the next session should do.")] = None,
        session: Session = None,
    ) -> dict[str, Any]:
        """End the session: capture git, write the handoff."""
        from session_tracker.commands.end import end as run

        return _call(lambda: run(context(), next_steps=tuple(next_steps or ()), session=session))

    @server.tool()
    def search(
        query: Annotated[str, Field(description='Words, a "phrase", a prefix*; AND/OR/NOT.')] = "",
        ref: Annotated[str | None, Field(description="A result's ref: returns that item in full instead of searching.")] = None,
        limit: Annotated[int, Field(description="At most this many results (1-25).", ge=1, le=25)] = 10,
        session: Annotated[str | None, Field(description="Only this session.")] = None,
    ) -> dict[str, Any]:
        """Search every session's entries, decisions, blockers, next steps, tasks, commits, files
        and commands, best match first: short snippets with refs; read one in full with ref."""
        from session_tracker.commands import search as cmd

        if ref:
            chosen = ref
            return _call(lambda: cmd.item(context(), chosen))
        return _call(lambda: cmd.brief(cmd.search(context(), query, session=session, limit=limit)))

    return server


def _start(ctx: Context, objective: str | None, new: bool, session: str | None = None) -> dict[str, object]:
    """``session_start``: the open session (``session``, else the only one open here) resumed
    unless ``new`` or none is open, else a new one (``init``); ``context`` is the handoff an
    agent starts from (as the SessionStart hook gives it, within ``[agents] context_budget``),
    and its receipt is recorded as a ``context.injected`` event (agent ``mcp``)."""
    from session_tracker.agents.context import assemble, budget_for
    from session_tracker.commands.init import init
    from session_tracker.core.sessions import record, resolve

    resumed = False
    if not new:
        try:
            current = resolve(ctx, session)
            resumed = current.ended is None
            if not resumed:
                raise TrackerError(f"session {current.name} has ended", "call session_start without session to start the next one")
        except TrackerError as exc:
            if not exc.message.startswith("no open session"):
                raise
    if not resumed:
        started = init(ctx, objectives=(objective,) if objective else ())
        sid = str(started["sid"])
    else:
        sid = current.sid
    from session_tracker import index
    from session_tracker.agents.context_view import context_parts, current_view

    conn = index.connect_fresh(ctx.layout)  # the history through the index: this costs what the session costs
    try:
        chosen = current_view(ctx, conn, sid, refresh=False)  # the connection was made after any init
        if chosen is None:
            raise TrackerError(f"session {sid} is not in the store", "run `session-tracker doctor`")
        parts = context_parts(ctx, conn, chosen)
    finally:
        conn.close()
    budget, limit = budget_for(ctx.config, "mcp")
    text, receipt = assemble(parts, chosen, continued=resumed, budget=budget)
    record(ctx, chosen, "context.injected", {"agent": "mcp", "agent_session": "", "source": "resume" if resumed else "startup",
                                             "inline_limit": limit, **receipt})
    return {"session": chosen.name, "sid": chosen.sid, "resumed": resumed, "context": text}


def serve(root: str | None = None, actor: str | None = None) -> None:
    """Run the server on stdin/stdout until the client disconnects."""
    build(root, actor).run("stdio")
