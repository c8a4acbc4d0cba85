"""The top-level group's help: commands in sections (sessions, plan, quality, enforcement,
agents) instead of one flat list, each with its whole first line."""

from __future__ import annotations

import click

#: Section title -> commands, in the order people meet them. A command in no section is listed
#: under "Other" (a test keeps that list empty).
SECTIONS: dict[str, tuple[str, ...]] = {
    "Sessions": ("init", "log", "decision", "blocker", "handoff", "end", "summary", "list", "show", "render",
                 "doctor", "renumber", "migrate", "makefile", "completion"),
    "Plan": ("status", "plan", "phase", "milestone", "component", "task", "question", "issue", "interface",
             "next", "resource", "workflow", "memory", "risk", "review", "check-item"),
    "Quality": ("metrics", "gate"),
    "Enforcement": ("check", "hooks"),
    "Agents": ("agent", "hook", "mcp", "import", "receipts"),
}


class SectionedGroup(click.Group):
    """A :class:`click.Group` whose help lists its commands by :data:`SECTIONS`."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands = {name: cmd for name in self.list_commands(ctx)
                    if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden}
        placed: set[str] = set()
        for title, names in (*SECTIONS.items(), ("Other", tuple(sorted(commands)))):
            rows = []
            for name in names:
                if name in commands and name not in placed:
                    placed.add(name)
                    # The whole first sentence: a cut description ("…") helps no one choose.
                    rows.append((name, commands[name].get_short_help_str(limit=200)))
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


__all__ = ["SECTIONS", "SectionedGroup"]
