"""What git hooks and agent hooks run: entry points as thin as the CLI, called by git and the agents."""
