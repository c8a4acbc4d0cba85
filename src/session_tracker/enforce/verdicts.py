"""The words of ``check``'s outcomes and modes (shared by its rules)."""

PASS, FAIL, SKIP, DISABLED = "pass", "fail", "skip", "disabled"
PLAIN, STAGED, RANGE = "plain", "staged", "range"
