"""The project plan: phases, milestones, components, tasks, questions, next steps, resources,
interfaces and known issues, folded from the project-level events in ``.sessions/project.jsonl``."""
