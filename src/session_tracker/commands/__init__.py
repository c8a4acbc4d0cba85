"""One module per verb. Each command is a plain typed function taking a :class:`Context` and
explicit arguments and returning a JSON-ready ``dict``; the CLI only parses and prints."""
