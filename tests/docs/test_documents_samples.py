"""docs/documents.md shows real documents: a scripted project is run through the installed CLI
(real subprocesses, real git in a temporary repository), and every sample block of the page must
equal the document the run wrote, apart from the clock (times, dates, durations).

``SESSION_TRACKER_REGEN_DOCS=1`` rewrites the samples in docs/documents.md from the run instead
of comparing them; the prose around them is left alone.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Ids

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "documents.md"
REGEN_ENV = "SESSION_TRACKER_REGEN_DOCS"
HINT = f"rerun with {REGEN_ENV}=1 (python -m pytest tests/docs/test_documents_samples.py) and review the diff of docs/documents.md"

# <!-- sample: PATH -->, a fenced block, <!-- /sample -->
# (a body never runs past its own closing marker, so one malformed sample cannot swallow the next)
SAMPLE = re.compile(r"(<!-- sample: (?P<path>\S+) -->\n)(?P<fence>`{3,})(?P<lang>[a-z]*)\n"
                    r"(?P<body>(?:(?!<!-- /?sample).)*?)\n?(?P=fence)\n<!-- /sample -->", re.DOTALL)

# The clock is the only input that differs between runs (TZ is UTC); commit
# ids differ because the commits carry the event files, whose ids and times are new each run, and
# so do the ids of next steps recorded in a session (taken from their event's id).
_VOLATILE = [
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?"), "<DATE>"),
    (re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}\b"), "<DATE>"),
    (re.compile(r"\b\d{2}:\d{2}(?::\d{2})?\b"), "<TIME>"),
    (re.compile(r"~?\b(?:\d+h \d{2}m|\d+m|\d+s)\b"), "<DURATION>"),
    # any run of 7-40 hex digits, also one with no decimal digit in it ("cfbadee": about one
    # short id in 1,000, now that the scripted commits carry real times and differ every run);
    # a plain word made only of a-f would be replaced on both sides alike
    (re.compile(r"\b[0-9a-f]{7,40}\b"), "<COMMIT>"),
    # ids of next steps recorded in a session come from the recording event's (random) id
    (re.compile(r"\bs-[0-9a-z]{6}(?:\.\d+)?\b"), "<STEP>"),
    # Item ids are random (core/ids.py: task-7kq2mz, b-4r5wzg); older samples show task-1, 00001-1.
    (re.compile(r"\b(task|q|n|i)-[0-9a-hjkmnp-tv-z]{1,6}\b"), r"<\1-ID>"),
    (re.compile(r"\b(?:b-[0-9a-hjkmnp-tv-z]{6}|\d{5}-\d{1,3})\b"), "<b-ID>"),
]


def normalise(text: str) -> str:
    """``text`` with times, dates and durations replaced by placeholders."""
    for pattern, placeholder in _VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


def cli_prefix() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m session_tracker``."""
    script = Path(sys.executable).parent / "session-tracker"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "session_tracker"]


class Project:
    """A scripted project in a temporary git repository, driven through the CLI."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "SESSION_TRACKER_")) and k != "CURRENT_SESSION"}
        self.env.update({"HOME": str(home), "TZ": "UTC", "NO_COLOR": "1", "COLUMNS": "100", "GIT_CONFIG_NOSYSTEM": "1",
                         "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
                         "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com",
                         "SESSION_TRACKER_ACTOR": "ada"})
        self.commits = 0
        self.ids = Ids(blockers=["00001-1"])  # the script names the random ids as it reads them

    def st(self, *args: str) -> str:
        proc = subprocess.run([*cli_prefix(), *self.ids.args(args)], cwd=self.root, env=self.env, capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
        return self.ids.norm(self.ids.learn(proc.stdout.strip()))

    def git(self, *args: str) -> str:
        # Commits carry their real time: a session's own commits are those its committer made
        # since it started (commit ids differ between runs anyway: see _VOLATILE).
        self.commits += 1
        return subprocess.run(["git", *args], cwd=self.root, env=self.env, capture_output=True, text=True, check=True).stdout

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


CALC = '"""A tiny calculator."""\n\n\ndef add(a: float, b: float) -> float:\n    return a + b\n'
DIVIDE = '\n\ndef divide(a: float, b: float) -> float:\n    if b == 0:\n        raise ZeroDivisionError("cannot divide by zero")\n    return a / b\n'
TESTS = "from calc import add\n\n\ndef test_add() -> None:\n    assert add(2, 3) == 5\n"


def run_script(root: Path, home: Path) -> Project:
    """The scripted project: a plan, two ended sessions and a third still open."""
    p = Project(root, home)
    p.git("init", "-q", "-b", "main")
    p.write("calc.py", CALC)
    p.write("test_calc.py", TESTS)
    p.write("pyproject.toml", '[project]\nname = "calculator"\nversion = "0.1.0"\n')
    p.git("add", "-A")
    p.git("commit", "-q", "-m", "Calculator with add")

    p.st("plan", "set", "--name", "Calculator")
    p.st("phase", "add", "Phase 0: Foundation", "--sessions", "1-1")
    p.st("phase", "add", "Phase 1: Features", "--sessions", "2-3")
    p.st("milestone", "add", "Division", "--target", "2026-12-15", "--notes", "divide() with tests")
    p.st("component", "add", "Core", "--owner", "Ada")
    p.st("component", "add", "Command line", "--owner", "Grace")
    assert p.st("task", "add", "Add divide()", "--phase", "Phase 1: Features", "--component", "Core", "--estimate", "30",
                "--file", "calc.py") == "task-1"
    assert p.st("task", "add", "CLI entry point", "--phase", "Phase 1: Features", "--component", "Command line",
                "--depends-on", "task-1", "--file", "cli.py", "--estimate", "45") == "task-2"
    p.st("resource", "calc.py", "--note", "The calculator")
    p.st("question", "Float or Decimal results?")

    # Session 00001: the skeleton.
    p.st("init", "--objective", "Project skeleton", "--complexity", "Small", "--preset", "all")
    p.st("log", "Read calc.py and its tests", "--category", "planning")
    p.st("decision", "--message", "Keep the calculator one module", "--rationale", "Four functions do not need a package",
         "--alternative", "A calculator/ package")
    p.st("blocker", "--message", "No CI runner yet", "--impact", "Medium", "--plan", "Ask for a runner")
    p.st("metrics", "record", "--tests-passed", "1", "--tests-failed", "0", "--coverage", "100", "--lint-errors", "2", "--type-errors", "0")
    p.st("end", "--next", "Add divide()")
    p.git("add", "-A")
    p.git("commit", "-q", "-m", "Session 00001: events and documents")

    # Session 00002: the demo's session, with the lifecycle commands.
    p.st("init", "--objective", "Add division to the calculator")
    p.st("task", "start", "task-1")
    assert p.st("task", "add", "Zero check in divide()", "--agent", "backend-specialist", "--estimate", "15", "--depends-on", "task-1",
                "--success", "divide(1, 0) raises ZeroDivisionError", "--test", "Should raise for b == 0") == "task-3"
    p.st("risk", "--message", "Callers rely on a float result", "--mitigation", "Keep returning a float")
    p.write("calc.py", CALC + DIVIDE)
    p.write("test_calc.py", TESTS + "\n\ndef test_divide() -> None:\n    from calc import divide\n\n    assert divide(6, 3) == 2\n")
    p.st("decision", "--message", "divide() raises ZeroDivisionError when b == 0",
         "--rationale", "Callers already handle it; returning None would hide bugs",
         "--alternative", "Return None", "--alternative", "Return float('inf')")
    p.st("log", "Added divide() with a zero check", "--category", "implementation")
    p.st("task", "start", "task-3")
    p.st("task", "done", "task-3", "--actual", "20")
    p.st("log", "pytest: 2 passed", "--category", "testing")
    p.st("metrics", "record", "--tests-passed", "2", "--tests-failed", "0", "--coverage", "100", "--lint-errors", "0", "--type-errors", "0")
    p.git("add", "calc.py", "test_calc.py")
    p.git("commit", "-q", "-m", "Add divide()")
    p.st("task", "done", "task-1", "--actual", "35")
    p.st("component", "set", "Core", "--status", "complete", "--progress", "100", "--notes", "add and divide")
    p.st("milestone", "set", "Division", "--status", "in-progress")
    p.st("blocker", "--resolve", "00001-1", "--message", "A runner was set up")
    p.st("question", "--answer", "q-1", "--message", "Float, like Python's /")
    p.st("interface", "divide(a: float, b: float) -> float")
    p.st("issue", "divide() has no test for b == 0 yet")
    p.st("memory", "add", "patterns", "--message", "calc.py holds pure functions; input and output live in cli.py")
    p.st("check-item", "Documentation updated", "--not-done")
    p.st("review", "--worked", "Writing the test first", "--failed", "The estimate", "--lesson", "Zero checks need their own test")
    p.st("handoff", "--item", "divide() has no test for b == 0 yet")
    p.st("end", "--next", "Test divide(1, 0) raises ZeroDivisionError", "--next", "Add a CLI entry point")
    p.git("add", "-A")
    p.git("commit", "-q", "-m", "Session 00002: events and documents")

    # Session 00003: still open.
    p.st("init", "--objective", "Command-line entry point")
    p.st("task", "start", "task-2")
    p.st("next", "Write the README", "--priority", "1")
    p.write("cli.py", "import sys\n\nfrom calc import divide\n\nprint(divide(float(sys.argv[1]), float(sys.argv[2])))\n")
    p.st("log", "Started cli.py")
    p.st("render")
    return p


def samples(page: str) -> list[tuple[str, str]]:
    """``[(path, body), …]`` of every sample block in ``page``, in order."""
    return [(m.group("path"), m.group("body")) for m in SAMPLE.finditer(page)]


def differences(page: str, root: Path) -> list[str]:
    """What differs between the page's samples and the documents under ``root`` (clock aside)."""
    problems = []
    for path, body in samples(page):
        target = root / path
        if not target.is_file():
            problems.append(f"{path}: the scripted project wrote no such document")
            continue
        actual = target.read_text(encoding="utf-8").rstrip("\n")
        if normalise(actual) != normalise(body):
            problems.append(f"{path}: the sample differs from the document the scripted project wrote")
    return problems


def regenerate(page: str, root: Path) -> str:
    """``page`` with every sample body replaced by the document written under ``root``.

    A sample that differs only by the clock is kept as it is, so a regeneration changes only the
    samples whose content changed (no churn of times and dates in the diff).
    """

    def body(match: re.Match[str]) -> str:
        actual = (root / match.group("path")).read_text(encoding="utf-8").rstrip("\n")
        if normalise(actual) == normalise(match.group("body")):
            return match.group(0)
        fence = match.group("fence")
        while fence in actual:  # a longer fence than any run of backticks inside
            fence += "`"
        return f"{match.group(1)}{fence}{match.group('lang')}\n{actual}\n{fence}\n<!-- /sample -->"

    return SAMPLE.sub(body, page)


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scripted project's repository, after its run."""
    root = tmp_path_factory.mktemp("scripted") / "calculator"
    root.mkdir()
    run_script(root, tmp_path_factory.mktemp("home"))
    return root


def test_documents_page_samples_are_real_output(scripted: Path) -> None:
    page = PAGE.read_text(encoding="utf-8")
    if os.environ.get(REGEN_ENV) == "1":
        missing = [path for path, _ in samples(page) if not (scripted / path).is_file()]
        assert not missing, f"samples name documents the scripted project does not write: {missing}"
        fresh = regenerate(page, scripted)
        if fresh != page:
            tmp = PAGE.with_suffix(".md.tmp")
            tmp.write_text(fresh, encoding="utf-8")
            os.replace(tmp, PAGE)
        page = fresh
    problems = differences(page, scripted)
    assert not problems, "docs/documents.md is out of date:\n  " + "\n  ".join(problems) + f"\nhint: {HINT}"


def test_documents_page_shows_every_kind_of_document(scripted: Path) -> None:
    """The page shows the per-session documents, the project documents and the lifecycle ones."""
    shown = {path for path, _ in samples(PAGE.read_text(encoding="utf-8"))}
    expected = {
        "archive/sessions/SESSION-00002-LOG.md", "archive/sessions/SESSION-00002-FILES.txt",
        "archive/sessions/SESSION-00002-DECISIONS.md", "archive/sessions/SESSION-00002-HANDOFF.md",
        "SESSION_TRACKER.md", "progress.txt", "IMPLEMENTATION.md",
        ".claude/sessions/session-00002-context.md", ".claude/sessions/session-00002-plan.md",
        ".claude/sessions/session-00002-tasks.json", ".claude/sessions/session-00002-tests.md",
        ".claude/sessions/session-00002-completed.md", ".claude/sessions/session-00002-review.md",
        ".claude/memory/decisions.md", ".claude/memory/errors.md",
    }
    assert expected <= shown, f"docs/documents.md lacks samples of {sorted(expected - shown)}"
    assert shown <= {p.relative_to(scripted).as_posix() for p in scripted.rglob("*") if p.is_file()}


def test_sample_check_catches_a_changed_document(scripted: Path) -> None:
    """A changed word fails the comparison; a different clock does not."""
    page = regenerate(PAGE.read_text(encoding="utf-8"), scripted)
    handoff = "archive/sessions/SESSION-00002-HANDOFF.md"
    bodies = [b for p, b in samples(page) if p == handoff]
    assert len(bodies) == 1
    body = bodies[0]
    assert "ZeroDivisionError" in body
    reworded = page.replace(body, body.replace("ZeroDivisionError", "ValueError"), 1)
    assert differences(reworded, scripted) == [f"{handoff}: the sample differs from the document the scripted project wrote"]
    other_clock = page.replace(body, re.sub(r"\b\d{2}:\d{2}\b", "23:59", body), 1)
    assert differences(other_clock, scripted) == []


def test_a_commit_id_without_a_decimal_digit_is_masked_too() -> None:
    # real commit times make the short ids differ every run; one made only of a-f must not fail the page
    assert normalise("(commit: cfbadee)") == normalise("(commit: c4fb164)") == "(commit: <COMMIT>)"
