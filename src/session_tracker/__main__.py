"""``python -m session_tracker``."""

from session_tracker.entry import main

main()
