"""Seed 003's session lifecycle (issue 5): micro-tasks, risks, the validation checklist, the
review, project memory and workflows — views folded from events, nothing stored."""
