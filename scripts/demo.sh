#!/usr/bin/env bash
# `make demo`: one complete session on a small real Python project in a throwaway git
# repository: init, log entries, a decision, a commit, a real pytest run logged as a testing
# entry, end; then the handoff and the paths of the documents.
#
# The example project has its own virtual environment (.venv/, pytest, pytest-cov, ruff and mypy
# from PyPI), as a real project does; `metrics run` measures with it, not with session-tracker's.
# DEMO_SITE_PACKAGES=DIR links an existing site-packages into it instead (offline, for tests).
set -euo pipefail

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
show() {  # print a command as one would type it
  local out="" a
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9._/=:-]+$ ]]; then out+="$a "; else out+="\"${a//\"/\\\"}\" "; fi
  done
  printf '\n\033[1m$ %s\033[0m\n' "${out% }"
}
run() { show "$@"; "$@"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/session-tracker-demo.XXXXXX")"
project="$work/calculator"
mkdir -p "$project"
cd "$project"
export GIT_AUTHOR_NAME="Demo" GIT_AUTHOR_EMAIL="demo@example.com" GIT_COMMITTER_NAME="Demo" GIT_COMMITTER_EMAIL="demo@example.com"
unset CURRENT_SESSION SESSION_TRACKER_ROOT

cat > calc.py <<'PY'
"""A tiny calculator."""


def add(a: float, b: float) -> float:
    return a + b


def subtract(a: float, b: float) -> float:
    return a - b
PY
cat > test_calc.py <<'PY'
from calc import add, subtract


def test_add() -> None:
    assert add(2, 3) == 5


def test_subtract() -> None:
    assert subtract(5, 3) == 2
PY
cat > pyproject.toml <<'TOML'
[project]
name = "calculator"
version = "0.1.0"
TOML
printf '.venv/\n' > .gitignore
python3 -m venv .venv
if [[ -n "${DEMO_SITE_PACKAGES:-}" ]]; then
  site="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  printf '%s\n' "$DEMO_SITE_PACKAGES" > "$site/demo-tools.pth"
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check pytest pytest-cov ruff mypy
fi
git init -q -b main
git add .gitignore pyproject.toml calc.py test_calc.py
git commit -q -m "Calculator with add and subtract"

run session-tracker init --objective "Add division to the calculator"
run strack log "Read calc.py and its tests" --category planning

cat >> calc.py <<'PY'


def divide(a: float, b: float) -> float:
    if b == 0:
        raise ZeroDivisionError("cannot divide by zero")
    return a / b
PY
cat >> test_calc.py <<'PY'


def test_divide() -> None:
    from calc import divide

    assert divide(6, 3) == 2
PY
run strack decision --message "divide() raises ZeroDivisionError when b == 0" \
  --rationale "Callers already handle it; returning None would hide bugs" \
  --alternative "Return None" --alternative "Return float('inf')"
run strack log "Added divide() with a zero check" --category implementation

say ".venv/bin/python -m pytest -q"
set +e
result="$(.venv/bin/python -m pytest -q -p no:cacheprovider 2>&1)"
status=$?
set -e
printf '%s\n' "$result"
summary="$(printf '%s\n' "$result" | grep -E '(passed|failed)' | tail -n 1)"
run strack log "pytest (exit $status): $summary" --category testing
run strack metrics run   # tests, coverage, lint and type errors, measured with the project's .venv

run git add calc.py test_calc.py
run git commit -q -m "Add divide()"
run strack handoff --item "divide() has no test for b == 0 yet"

run session-tracker end --next "Test divide(1, 0) raises ZeroDivisionError" --next "Add a CLI entry point"

say "the documents (views of .sessions/events/00001-<id>.jsonl: git ignores them, any clone renders them again)"
for doc in archive/sessions/*; do printf '  %s/%s\n' "$project" "$doc"; done
git add .sessions
git commit -q -m "Session 00001: its events (the documents are views)"
printf '\nThe demo project stays in %s; delete it when done.\n' "$work"
