"""The click commands of the project tracker (issue 3): phase, milestone, component, task,
question, next, resource, interface, issue, status and plan. Parsing only; each calls one
function in :mod:`session_tracker.commands.plan`, ``.status`` or ``.plan_file``.

Registered on the main group by :func:`register` (called from ``cli.py``).
"""

from __future__ import annotations

import click

from session_tracker import output
from session_tracker.cli import complete
from session_tracker.cli.options import F, json_option, one_message, session_option
from session_tracker.core.context import Context
from session_tracker.plan.model import COMPLEXITIES, STATUSES

STATUS_HELP = "One of: " + ", ".join(STATUSES) + "."


def _changed(result: dict[str, object]) -> str:
    from session_tracker.views.plan import changed

    return changed(result)


@click.group()
def phase() -> None:
    """Plan phases with session ranges (the tracker's Phase Progress)."""


@phase.command("add")
@click.argument("name")
@click.option("--sessions", required=True, metavar="A-B", help="The sessions the phase spans, e.g. 1-3.")
@session_option
@json_option
def phase_add(name: str, sessions: str, session: str | None, as_json: bool) -> None:
    """Add a phase spanning sessions A to B."""
    from session_tracker.commands import plan

    output.emit(plan.phase_add(Context(), name, sessions, session=session), as_json, _changed)


@phase.command("set")
@click.argument("name")
@click.option("--status", metavar="STATUS", help=STATUS_HELP + " Or auto: derived from sessions and tasks.")
@click.option("--sessions", metavar="A-B", help="A new session range.")
@session_option
@json_option
def phase_set(name: str, status: str | None, sessions: str | None, session: str | None, as_json: bool) -> None:
    """Set a phase's status or session range."""
    from session_tracker.commands import plan

    output.emit(plan.phase_set(Context(), name, status=status, sessions=sessions, session=session), as_json, _changed)


@click.group()
def milestone() -> None:
    """Key milestones with target dates (IMPLEMENTATION.md)."""


@milestone.command("add")
@click.argument("name")
@click.option("--target", required=True, metavar="YYYY-MM-DD", help="Target date.")
@click.option("--status", metavar="STATUS", help=STATUS_HELP)
@click.option("--notes", metavar="TEXT")
@session_option
@json_option
def milestone_add(name: str, target: str, status: str | None, notes: str | None, session: str | None, as_json: bool) -> None:
    """Add a milestone."""
    from session_tracker.commands import plan

    output.emit(plan.milestone_add(Context(), name, target, status=status, notes=notes, session=session), as_json, _changed)


@milestone.command("set")
@click.argument("name")
@click.option("--status", metavar="STATUS", help=STATUS_HELP)
@click.option("--notes", metavar="TEXT")
@click.option("--target", metavar="YYYY-MM-DD")
@session_option
@json_option
def milestone_set(name: str, status: str | None, notes: str | None, target: str | None, session: str | None, as_json: bool) -> None:
    """Change a milestone's status, notes or target date."""
    from session_tracker.commands import plan

    output.emit(plan.milestone_set(Context(), name, status=status, notes=notes, target=target, session=session), as_json, _changed)


def _component_options(f: F) -> F:
    f = click.option("--owner", metavar="NAME", help="Who is assigned (IMPLEMENTATION.md's Team Assignment).")(f)
    f = click.option("--notes", metavar="TEXT")(f)
    f = click.option("--progress", type=int, metavar="N", help="Percent done, 0-100.")(f)
    return click.option("--status", metavar="STATUS", help=STATUS_HELP)(f)


@click.group()
def component() -> None:
    """Components with status, progress and owner (IMPLEMENTATION.md)."""


@component.command("add")
@click.argument("name")
@_component_options
@session_option
@json_option
def component_add(name: str, status: str | None, progress: int | None, notes: str | None, owner: str | None, session: str | None, as_json: bool) -> None:
    """Add a component."""
    from session_tracker.commands import plan

    output.emit(plan.component_add(Context(), name, status, progress, notes, owner, session=session), as_json, _changed)


@component.command("set")
@click.argument("name")
@_component_options
@session_option
@json_option
def component_set(name: str, status: str | None, progress: int | None, notes: str | None, owner: str | None, session: str | None, as_json: bool) -> None:
    """Change a component."""
    from session_tracker.commands import plan

    output.emit(plan.component_set(Context(), name, status, progress, notes, owner, session=session), as_json, _changed)


@click.group()
def task() -> None:
    """Tasks with estimates, files, tests and dependencies."""


@task.command("add")
@click.argument("title")
@click.option("--phase", metavar="NAME")
@click.option("--component", metavar="NAME")
@click.option("--estimate", type=int, metavar="MIN", help="Estimated minutes.")
@click.option("--assignee", metavar="NAME")
@click.option("--file", "files", multiple=True, metavar="PATH", help="A file the task changes (repeatable).")
@click.option("--test", "tests", multiple=True, metavar="TEXT", help="A test case (repeatable).")
@click.option("--depends-on", "depends_on", multiple=True, metavar="ID", shell_complete=complete.tasks, help="A task that must be done first (repeatable).")
@click.option("--agent", metavar="NAME", help="The agent that handles it, e.g. backend-specialist.")
@click.option("--success", metavar="TEXT", help="Success criteria: how we know it is done.")
@session_option
@json_option
def task_add(title: str, phase: str | None, component: str | None, estimate: int | None, assignee: str | None,
             files: tuple[str, ...], tests: tuple[str, ...], depends_on: tuple[str, ...], agent: str | None, success: str | None,
             session: str | None, as_json: bool) -> None:
    """Add a task; prints its id (task-1, …)."""
    from session_tracker.commands import plan
    from session_tracker.views import plan as views

    result = plan.task_add(Context(), title, phase, component, estimate, assignee, files, tests, depends_on, session=session, agent=agent, success=success)
    output.emit(result, as_json, views.task_id)


def _move(verb: str, doc: str) -> None:
    @task.command(verb, help=doc)
    @click.argument("task_id", metavar="ID", shell_complete=complete.tasks)
    @click.option("--actual", type=int, metavar="MIN", help="Minutes actually spent.")
    @click.option("--reason", metavar="TEXT", help="Why (required for block).")
    @session_option
    @json_option
    def move(task_id: str, actual: int | None, reason: str | None, session: str | None, as_json: bool) -> None:
        from session_tracker.commands import plan

        output.emit(plan.task_move(Context(), verb, task_id, actual=actual, reason=reason, session=session), as_json, _changed)


for _verb, _doc in (("start", "Mark a task in progress."), ("done", "Mark a task done."), ("block", "Mark a task blocked (--reason required)."), ("reopen", "Put a task back to todo.")):
    _move(_verb, _doc)


@task.command("list")
@json_option
def task_list(as_json: bool) -> None:
    """Every task with its status."""
    from session_tracker.commands import plan
    from session_tracker.views import plan as views

    output.emit(plan.task_list(Context()), as_json, views.tasks)


@click.command()
@click.argument("text", required=False, metavar="[MESSAGE]")
@click.option("--message", "-m", metavar="TEXT", help="The question (or, with --answer, the answer).")
@click.option("--answer", metavar="ID", help="Answer the open question ID (q-1, …).")
@session_option
@json_option
def question(text: str | None, message: str | None, answer: str | None, session: str | None, as_json: bool) -> None:
    """Open a question, or answer one with --answer ID --message "…"."""
    from session_tracker.commands import plan

    output.emit(plan.question(Context(), one_message(text, message), answer=answer, session=session), as_json, _changed)


@click.command("next")
@click.argument("text", required=False, metavar="[MESSAGE]")
@click.option("--message", "-m", metavar="TEXT", help="What should be done next.")
@click.option("--priority", "-p", type=int, metavar="N", help="1 is the most urgent (default: after the others).")
@click.option("--done", metavar="ID", help="Drop the next step ID (n-1, …) once done.")
@session_option
@json_option
def next_cmd(text: str | None, message: str | None, priority: int | None, done: str | None, session: str | None, as_json: bool) -> None:
    """Add a next step (IMPLEMENTATION.md's Next Steps Priority), or drop one with --done ID."""
    from session_tracker.commands import plan

    body = None if done and not (text or message) else one_message(text, message)
    output.emit(plan.next_step(Context(), body, priority=priority, done=done, session=session), as_json, _changed)


@click.command()
@click.argument("path")
@click.option("--note", required=True, metavar="TEXT", help="What the file is.")
@session_option
@json_option
def resource(path: str, note: str, session: str | None, as_json: bool) -> None:
    """Record a key file (IMPLEMENTATION.md's Resources)."""
    from session_tracker.commands import plan

    output.emit(plan.resource(Context(), path, note, session=session), as_json, _changed)


@click.command()
@click.argument("text", required=False, metavar="[TEXT]")
@click.option("--message", "-m", metavar="TEXT", help="The interface, e.g. 'validate_token(token: str) -> Payload'.")
@session_option
@json_option
def interface(text: str | None, message: str | None, session: str | None, as_json: bool) -> None:
    """Record an interface defined (progress.txt's Interfaces Defined)."""
    from session_tracker.commands import plan

    output.emit(plan.interface(Context(), one_message(text, message), session=session), as_json, _changed)


@click.command()
@click.argument("text", required=False, metavar="[MESSAGE]")
@click.option("--message", "-m", metavar="TEXT", help="The issue (or, with --fix, how it was fixed).")
@click.option("--fix", metavar="ID", help="Mark the known issue ID (i-1, …) fixed.")
@session_option
@json_option
def issue(text: str | None, message: str | None, fix: str | None, session: str | None, as_json: bool) -> None:
    """Note a known issue (progress.txt's Known Issues), or fix one with --fix ID --message "how"."""
    from session_tracker.commands import plan

    output.emit(plan.issue(Context(), one_message(text, message), fix=fix, session=session), as_json, _changed)


@click.command()
@json_option
def status(as_json: bool) -> None:
    """Dashboard: current phase and session, progress, blockers, questions, next steps, tests."""
    from session_tracker.commands.status import status as run
    from session_tracker.views import plan as views

    output.emit(run(Context(), None if as_json else views.STATUS_ITEMS), as_json, views.status)


@click.group("plan")
def plan_group() -> None:
    """Export the plan to .sessions/plan.toml, import it back, or set the project's name."""


@plan_group.command("export")
@click.option("--file", "path", metavar="PATH", help="Where to write (default .sessions/plan.toml; - for stdout).")
@json_option
def plan_export(path: str | None, as_json: bool) -> None:
    """Write the whole plan as a readable TOML file."""
    from session_tracker.commands.plan_file import export_plan
    from session_tracker.views import plan as views

    result = export_plan(Context(), path)
    if path == "-" and not as_json:
        output.echo(str(result["toml"]).rstrip("\n"))
        return
    output.emit(result, as_json, views.exported)


@plan_group.command("import")
@click.option("--file", "path", metavar="PATH", help="The plan file (default .sessions/plan.toml).")
@session_option
@json_option
def plan_import(path: str | None, session: str | None, as_json: bool) -> None:
    """Apply a plan file: all of it or nothing, recorded as events."""
    from session_tracker.commands.plan_file import import_plan
    from session_tracker.views import plan as views

    output.emit(import_plan(Context(), path, session=session), as_json, views.imported)


@plan_group.command("set")
@click.option("--name", metavar="TEXT", help="The project's display name in the documents.")
@click.option("--complexity", type=str, metavar="LEVEL", help="One of: " + ", ".join(COMPLEXITIES) + ".")
@session_option
@json_option
def plan_set(name: str | None, complexity: str | None, session: str | None, as_json: bool) -> None:
    """Set the project's name or complexity level."""
    from session_tracker.commands import plan

    output.emit(plan.set_project(Context(), complexity=complexity, name=name, session=session), as_json, _changed)


def register(main: click.Group) -> None:
    """Add the project tracker's commands to the main group."""
    for command in (phase, milestone, component, task, question, next_cmd, resource, interface, issue, status, plan_group):
        main.add_command(command)
