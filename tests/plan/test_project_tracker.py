"""Issue 3's scripted project: 3 phases, 8 sessions, tasks through every status, blockers and
questions opened and resolved, components and milestones changing — run through the real CLI
in a real git repository, then SESSION_TRACKER.md (seed 000), progress.txt (seed 002) and
IMPLEMENTATION.md (seed 004) checked section by section against their seeds, the plan
round-tripped through `plan export` / `plan import`, and `status --json`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import Cli, git, run_cli
from helpers import Ids, headings, tables
from session_tracker.core.context import Context
from session_tracker.core.paths import Layout
from session_tracker.core.sessions import record, resolve

P0, P1, P2 = "Phase 0: Foundation", "Phase 1: Core Models", "Phase 2: Auth & UI"


def must(repo: Path, *args: str) -> str:
    result = run_cli(repo, *args)
    assert result.code == 0, (args, result)
    return result.out.strip()


def metrics(repo: Path, passed: int, total: int, coverage: float, lint: int, types: int) -> None:
    """A ``metrics.recorded`` event as issue 4 will write it (recorded here directly)."""
    ctx = Context(layout=Layout(str(repo)), env={})
    data: dict[str, object] = {"tests_passed": passed, "tests_failed": total - passed, "tests_total": total,
                               "coverage_percent": coverage, "lint_errors": lint, "type_errors": types}
    record(ctx, resolve(ctx), "metrics.recorded", data)


def build_project(repo: Path) -> Ids:
    """The scripted project (also used to render the README's examples). Returns the ids it
    made, by the names the script gives them (task-1 …, 00001-1 for the first blocker)."""
    ids = Ids(blockers=["00001-1", "00007-1"])
    def m(*a: str) -> str:
        return ids.learn(must(repo, *ids.args(a)))

    m("plan", "set", "--name", "INTEGRA Web")
    m("phase", "add", P0, "--sessions", "1-3")
    m("phase", "add", P1, "--sessions", "4-6")
    m("phase", "add", P2, "--sessions", "7-8")
    m("milestone", "add", "Database Schema Design", "--target", "2026-06-10")
    m("milestone", "add", "API Endpoints", "--target", "2026-06-20", "--notes", "All routes with validation")
    m("component", "add", "Database Schema", "--owner", "Team Member A")
    m("component", "add", "API Endpoints", "--owner", "Team Member B")
    m("component", "add", "Testing")
    assert ids.norm(m("task", "add", "Create schema", "--phase", P0, "--component", "Database Schema", "--estimate", "30",
                      "--file", "db/schema.sql", "--test", "migrates an empty database")) == "task-1"
    assert ids.norm(m("task", "add", "Session service", "--phase", P1, "--depends-on", "task-1", "--file", "src/service.py", "--estimate", "60")) == "task-2"
    assert ids.norm(m("task", "add", "Routes", "--phase", P1, "--component", "API Endpoints", "--depends-on", "task-2", "--assignee", "Team Member B")) == "task-3"
    assert ids.norm(m("task", "add", "Login UI", "--phase", P2, "--file", "src/login.py")) == "task-4"
    assert ids.norm(m("task", "add", "Write the docs", "--phase", P2)) == "task-5"
    m("resource", "db/schema.sql", "--note", "Database migration")
    m("resource", "src/service.py", "--note", "Session service")
    m("question", "Deployment target (Docker, VPS, Cloud)?")
    m("question", "--message", "Domain name for production?")

    m("init", "--objective", "Project skeleton", "--complexity", "Medium")  # 00001
    m("task", "start", "task-1")
    m("decision", "-m", "Use PostgreSQL", "-r", "JSON columns and mature migrations")
    assert "00001-1" in ids.norm(m("blocker", "Database credentials for development", "--impact", "High", "--plan", "Ask ops for the .env file"))
    m("component", "set", "Database Schema", "--status", "in-progress", "--progress", "50", "--notes", "Migration SQL drafted")
    m("end", "--next", "Finish the schema")

    m("init", "--objective", "Schema")  # 00002
    m("task", "done", "task-1", "--actual", "40")
    m("blocker", "--resolve", "00001-1", "-m", "Got the .env from ops")
    m("component", "set", "Database Schema", "--status", "complete", "--progress", "100", "--notes", "Schema fully implemented")
    m("milestone", "set", "Database Schema Design", "--status", "complete", "--notes", "Schema in db/schema.sql")
    m("question", "--answer", "q-1", "-m", "Docker on a VPS")
    metrics(repo, 10, 10, 72.0, 3, 1)
    m("end")

    m("init", "--objective", "Interfaces")  # 00003
    m("interface", "Schema(version: int) -> Migration")
    m("issue", "Migrations are slow on large tables")
    m("end")

    m("init", "--objective", "Session service")  # 00004
    m("task", "start", "task-2")
    # The decision, then the commit that carries it out: progress.txt names that commit
    # (the first one at or after the decision).
    m("decision", "-m", "UUID4 session ids", "-r", "no coordination needed")
    (repo / "src").mkdir(exist_ok=True)
    (repo / "src" / "service.py").write_text("def start():\n    return 1\n")
    git(repo, "add", "src/service.py")
    git(repo, "commit", "-q", "-m", "Add the session service")
    metrics(repo, 25, 25, 81.5, 0, 0)
    m("end", "--next", "Write the routes")

    m("init", "--objective", "Routes")  # 00005
    m("task", "done", "task-2", "--actual", "70")
    m("task", "start", "task-3")
    m("task", "block", "task-3", "--reason", "waiting for the auth spec")
    m("end")

    m("init", "--objective", "Routes, again")  # 00006
    m("issue", "--fix", "i-1", "-m", "Added an index")
    m("task", "start", "task-3")
    m("task", "done", "task-3")
    m("component", "set", "API Endpoints", "--status", "complete", "--progress", "100")
    m("milestone", "set", "API Endpoints", "--status", "in-progress")
    m("end")

    m("init", "--objective", "Login")  # 00007
    m("task", "start", "task-4")
    m("next", "Finish the login UI", "--priority", "1")
    m("next", "--message", "Write the docs", "--priority", "2")
    m("next", "Tidy up", "--priority", "3")
    m("blocker", "Auth spec missing", "--impact", "Medium", "--plan", "Ask the PM")
    m("end", "--next", "Finish the login form")

    m("init", "--objective", "Login, continued")  # 00008, left open
    assert ids.norm(m("task", "add", "Perf budget", "--phase", P2, "--file", "bench/perf.py")) == "task-6"
    m("task", "block", "task-6", "--reason", "no benchmark machine")
    m("next", "--done", "n-3")
    m("issue", "Flaky login test")
    (repo / "src" / "login.py").write_text("def login():\n    pass\n")
    m("render")  # snapshots the open session's files
    return ids


def plan_log(repo: Path) -> bytes:
    """Every project event line: this clone's project files and their journals (issue 11)."""
    paths = sorted((repo / ".sessions/events").glob("project-*.jsonl")) + sorted((repo / ".sessions/local/journal").glob("project-*.jsonl"))
    return b"".join(p.read_bytes() for p in paths)


def test_scripted_project(all_documents: Path, repo: Path) -> None:
    ids = build_project(repo)
    tracker = ids.norm((repo / "SESSION_TRACKER.md").read_text(encoding="utf-8"))
    progress = ids.norm((repo / "progress.txt").read_text(encoding="utf-8"))
    implementation = ids.norm((repo / "IMPLEMENTATION.md").read_text(encoding="utf-8"))

    # ---- SESSION_TRACKER.md, seed 000 ----
    assert tracker.startswith("<!-- generated by session-tracker")
    heads = headings(tracker)
    sessions = [f"0000{n}" for n in range(8, 0, -1)]
    session_heads = [h for h in heads if h.startswith("Session 0")]
    assert [h.split()[1] for h in session_heads] == sessions  # newest first
    assert session_heads[-1].endswith("— Project skeleton")
    top = [h for h in heads if not h.startswith("Session 0") and not h.endswith(":")]
    assert top == ["INTEGRA Web - Session Tracker", "Current Status", "Phase Progress", "Session Log",
                   "Next Steps (open)", "Blockers & Open Questions", "Key Metrics History", "How This File Is Kept"]
    status_t, phases_t, blockers_t, metrics_t = tables(tracker)
    assert status_t[0] == ["Metric", "Value"]
    assert dict(status_t[1:]) == {
        "**Current Phase**": P2.replace("&", "&amp;"), "**Current Session**": "00008", "**Last Completed Session**": "00007",
        "**Last Session Date**": dict(status_t[1:])["**Last Session Date**"], "**Overall Progress**": "88% (7/8 sessions)",
        "**Tests Passing**": "25/25", "**Coverage**": "81.5%",
    }
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", dict(status_t[1:])["**Last Session Date**"])
    assert phases_t == [["Phase", "Sessions", "Status", "Progress"],
                        [P0, "1-3", "✅ Complete", "██████████ 100%"],
                        [P1, "4-6", "✅ Complete", "██████████ 100%"],
                        [P2.replace("&", "&amp;"), "7-8", "🟡 In Progress", "██░░░░░░░░ 20%"]]
    def entry(name: str) -> str:
        return tracker.split(f"### Session {name} — ")[1].split("\n### ")[0].split("\n---")[0]

    first = entry("00001")
    assert f"**Phase:** {P0} | **Duration:** ~" in first and "**Branch:** `main`" in first
    assert "#### Issues Encountered:\n- Database credentials for development — resolved: Got the .env from ops" in first
    assert "#### Decisions Made:\n- Use PostgreSQL — JSON columns and mature migrations" in first
    assert "#### Next Session Should:\n1. Finish the schema" in first
    assert "#### Completed:\n- [x] Create schema → `db/schema.sql`" in entry("00002")
    assert "- Added: — new tests\n- Passing: 10/10\n- Coverage: 72.0%" in entry("00002")
    fourth = entry("00004")
    assert "#### Files Created/Modified:\n- `src/service.py` — added (+2 −0)" in fourth
    assert "- Added: 15 new tests\n- Passing: 25/25\n- Coverage: 81.5%" in fourth
    assert "#### Completed:\n- [x] Routes" in entry("00006")
    assert "- Migrations are slow on large tables — fixed: Added an index" in entry("00003")
    assert "**Duration:** in progress" in entry("00008")
    for section in ("Completed:", "Issues Encountered:", "Decisions Made:", "Next Session Should:", "Files Created/Modified:", "Tests:"):
        assert all(f"#### {section}" in entry(s) for s in sessions)
    assert blockers_t == [["#", "Question/Blocker", "Status", "Resolution"],
                          ["q-1", "Deployment target (Docker, VPS, Cloud)?", "✅ Answered", "Docker on a VPS"],
                          ["q-2", "Domain name for production?", "🔴 Open", "—"],
                          ["00001-1", "Database credentials for development", "✅ Resolved", "Got the .env from ops"],
                          ["00007-1", "Auth spec missing", "🔴 Open", "Ask the PM"]]
    assert metrics_t[0] == ["Session", "Date", "Tests", "Coverage", "Lint Errors", "Type Errors"]
    assert [row[0] for row in metrics_t[1:]] == sessions[::-1]
    assert [row[2:] for row in metrics_t[1:3]] == [["—"] * 4, ["10/10", "72.0%", "3", "1"]]
    assert metrics_t[4][2:] == ["25/25", "81.5%", "0", "0"]

    # ---- progress.txt, seed 002 ----
    blocks = dict(re.findall(r"=== (.+?) ===\n(.*?)(?=\n\n===|\Z)", progress, re.DOTALL))
    assert list(blocks) == ["Session State", "Key Decisions", "Files Modified", "Files To Modify", "Interfaces Defined", "Known Issues", "Notes"]
    assert blocks["Session State"].splitlines() == [
        "Last completed: Routes",
        "Next task: task-4 Login UI (in progress)",
        "Blockers: 00007-1 Auth spec missing; task-6 blocked: no benchmark machine",
        f"Current phase: 3 of 3 ({P2})",
        "Complexity level: Medium",
    ]
    decisions = blocks["Key Decisions"].splitlines()
    assert decisions[0] == "- Use PostgreSQL (reason: JSON columns and mature migrations)"
    assert re.fullmatch(r"- UUID4 session ids \(reason: no coordination needed\) \(commit: [0-9a-f]{7}\)", decisions[1])
    assert blocks["Files Modified"].strip() == "src/login.py"
    assert blocks["Files To Modify"].strip().splitlines() == ["src/login.py (task-4)", "bench/perf.py (task-6)"]
    assert blocks["Interfaces Defined"].strip() == "Schema(version: int) -> Migration"
    assert blocks["Known Issues"].strip() == "i-2: Flaky login test"
    # The one list of next steps: `next` items by priority, then every `end --next` not yet done
    notes = blocks["Notes"].strip().splitlines()
    assert notes[:3] == ["- Open question q-2: Domain name for production?", "- Next session should: [n-1] Finish the login UI",
                         "- Next session should: [n-2] Write the docs"]
    assert [re.sub(r"\[s-[0-9a-z]{6}\.1\] ", "", n) for n in notes[3:]] == [
        "- Next session should: Finish the schema", "- Next session should: Write the routes", "- Next session should: Finish the login form"]

    # ---- IMPLEMENTATION.md, seed 004 ----
    assert [h for h in headings(implementation)] == ["INTEGRA Web Implementation Tracking", "Overall Progress", "Component Status", "Key Milestones",
                                                      "Recent Updates", "Blockers and Issues", "Next Steps Priority", "Resources", "Team Assignment"]
    overall, components, milestones, updates, issues, team = tables(implementation)
    assert overall == [["Status", "Progress"], ["🟡 In Progress", "~67% Complete"]]
    assert components == [["Component", "Status", "Progress", "Notes"],
                          ["Database Schema", "✅ Complete", "100%", "Schema fully implemented"],
                          ["API Endpoints", "✅ Complete", "100%", "—"],
                          ["Testing", "🔴 Not Started", "0%", "—"]]
    assert milestones == [["Milestone", "Target Date", "Status", "Notes"],
                          ["Database Schema Design", "June 10, 2026", "✅ Complete", "Schema in db/schema.sql"],
                          ["API Endpoints", "June 20, 2026", "🟡 In Progress", "All routes with validation"]]
    assert updates[0] == ["Date", "Update"] and len(updates) == 11
    assert all(re.fullmatch(r"[A-Z][a-z]+ \d{1,2}, \d{4}", row[0]) for row in updates[1:])
    assert updates[-1][1] == "Blocked task-6: Perf budget"
    assert "Session 00007 completed: Login" in [row[1] for row in updates]
    assert issues == [["Issue", "Impact", "Resolution Plan", "Status"],
                      ["Database credentials for development", "High", "Ask ops for the .env file", "✅ Resolved"],
                      ["Auth spec missing", "Medium", "Ask the PM", "🔴 Open"],
                      ["Migrations are slow on large tables", "—", "Added an index", "✅ Resolved"],
                      ["Flaky login test", "—", "—", "🔴 Open"],
                      ["task-6 Perf budget: no benchmark machine", "—", "—", "🟡 In Progress"]]
    assert "## Next Steps Priority\n\n1. `n-1` Finish the login UI\n2. `n-2` Write the docs\n3. `s-" in implementation
    assert "## Resources\n\n- Database migration: `db/schema.sql`\n- Session service: `src/service.py`\n" in implementation
    assert team == [["Component", "Assigned To", "Status"], ["Database Schema", "Team Member A", "✅ Complete"], ["API Endpoints", "Team Member B", "✅ Complete"]]

    # ---- the rest: status, task list, doctor, render, plan round trip ----
    status = json.loads(ids.norm(must(repo, "status", "--json")))
    assert status["current_phase"] == P2 and status["open_sessions"] == ["00008"]
    assert status["progress"] == {"percent": 88, "done": 7, "planned": 8, "text": "88% (7/8 sessions)"}
    assert [b["id"] for b in status["blockers"]] == ["00007-1"] and [q["id"] for q in status["questions"]] == ["q-2"]
    counts = {k: v for k, v in status["tasks"].items() if k != "items"}
    assert status["tests"]["passing"] == "25/25" and counts == {"total": 6, "done": 3, "in_progress": 1, "blocked": 1}
    assert [t["id"] for t in status["tasks"]["items"]] == [f"task-{n}" for n in range(1, 7)]
    text = must(repo, "status")
    assert "Phase 2: Auth & UI" in text and "Auth spec missing" in text and "1. Finish the login UI" in text
    tasks = json.loads(ids.norm(must(repo, "task", "list", "--json")))
    assert [t["status"] for t in tasks["tasks"]] == ["done", "done", "done", "in_progress", "todo", "blocked"]
    assert tasks["tasks"][1]["actualMinutes"] == 70 and tasks["tasks"][1]["dependsOn"] == ["task-1"]
    assert json.loads(must(repo, "doctor", "--json"))["ok"] is True
    assert json.loads(must(repo, "render", "--json"))["written"] == []

    project_log = plan_log(repo)
    must(repo, "plan", "export")
    exported = (repo / ".sessions" / "plan.toml").read_bytes()
    assert json.loads(must(repo, "plan", "import", "--json"))["events"] == 0
    assert plan_log(repo) == project_log
    must(repo, "plan", "export")
    assert (repo / ".sessions" / "plan.toml").read_bytes() == exported
    for doc in ("SESSION_TRACKER.md", "progress.txt", "IMPLEMENTATION.md"):
        assert ids.norm((repo / doc).read_text(encoding="utf-8")) == {"SESSION_TRACKER.md": tracker, "progress.txt": progress, "IMPLEMENTATION.md": implementation}[doc]
    events = [json.loads(line) for line in project_log.decode().splitlines()]
    assert {e["session"] for e in events} == {"project", *sessions}  # who, when, in which session


def test_agent_task_update_moves_a_plan_task(repo: Path, cli: Cli) -> None:
    """The MCP/agent `task_update` and `task start|done` change the same task of the plan."""
    from session_tracker.commands.task import update

    assert cli("init").code == 0
    added = cli("task", "add", "Fix API async params", "--estimate", "30").out.strip().split()[-1]
    assert added.startswith("task-")
    ctx = Context(layout=Layout(str(repo)), env={})
    moved = update(ctx, added, "in_progress", note="started by the agent")
    assert moved["plan"] is True and moved["session"] == "00001"
    listed = json.loads(cli("task", "list", "--json").out)
    assert [(t["id"], t["status"]) for t in listed["tasks"]] == [(added, "in_progress")]
    free = update(ctx, "write the changelog", "done")
    assert "plan" not in free and free["session"] == "00001"
