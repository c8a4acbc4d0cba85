"""The click command line: parse, call one command function, print through ``output``.

No logic lives here (STYLE.md habit 1). Imported only when the fast path in
:mod:`session_tracker.entry` does not apply, because click costs ~40 ms to import. The group is
defined here; each module beside it defines the commands of one area, and they are registered
below (they import nothing from this module, so there is no import circle).
"""

from __future__ import annotations

import click

from session_tracker import __version__
from session_tracker.cli import agents, complete, enforce, metrics, plan, session, store, workflow
from session_tracker.cli.group import SectionedGroup


@click.group(cls=SectionedGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="session-tracker")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def main(debug: bool) -> None:
    """Track development sessions as append-only events in the repository, and derive the
    handoff, work log, decisions and file list from them.

    Start with `session-tracker init`, log as you go, finish with `session-tracker end`.

    Shell completion (bash, zsh, fish): see `session-tracker completion --help`.
    """




for _command in (session.init, session.log, session.decision, session.blocker, session.handoff, session.summary,
                 session.end, session.list_cmd, session.show, session.render, session.doctor, session.makefile,
                 store.renumber, store.migrate,
                 enforce.check, enforce.hooks, agents.agent, agents.hook, agents.mcp, agents.import_group, agents.receipts,
                 metrics.metrics_group, metrics.gate_cmd, complete.completion):
    main.add_command(_command)
plan.register(main)
workflow.register(main)
