"""`hooks install` / `uninstall` / `status`: chaining to hooks already there (scripts and
binaries), restoring them byte for byte with their mode, idempotence, `core.hooksPath` (relative,
absolute, outside the repository), linked worktrees, and the bad inputs of issue #6."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from conftest import Cli, run_cli
from enforce_helpers import HOOKS, change, commit, events, git_run, message
from session_tracker.core.context import Context
from session_tracker.core.paths import Layout
from session_tracker.enforce import HOOK_NAMES, hookfiles
from session_tracker.errors import TrackerError

FOREIGN = "#!/bin/sh\n# the team's own pre-commit\necho \"foreign ran: $*\" >> \"$(git rev-parse --git-dir)/foreign.log\"\nexit ${FOREIGN_EXIT:-0}\n"


def hooks_dir(repo: Path) -> Path:
    return repo / ".git" / "hooks"


def write_hook(path: Path, text: str | bytes, mode: int = 0o755) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text)
    else:
        path.write_bytes(text)
    path.chmod(mode)


def start_session(cli: Cli) -> None:
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "work").code == 0


def test_install_writes_three_marked_scripts_and_is_idempotent(repo: Path, cli: Cli) -> None:
    first = cli("hooks", "install", "--json")
    assert first.code == 0, first
    result = json.loads(first.out)
    assert result["hooks_dir"] == str(hooks_dir(repo))
    assert [(h["hook"], h["state"], h["chained"]) for h in result["hooks"]] == [(h, "installed", None) for h in HOOKS]
    contents = {}
    for hook in HOOKS:
        path = hooks_dir(repo) / hook
        assert os.access(path, os.X_OK)
        text = path.read_text()
        assert text.startswith("#!/bin/sh\n# session-tracker-hook: " + hook)
        assert sys.executable in text  # the interpreter that installed it
        contents[hook] = text
    again = json.loads(cli("hooks", "install", "--json").out)
    assert [h["state"] for h in again["hooks"]] == ["unchanged"] * len(HOOK_NAMES)
    assert {h: (hooks_dir(repo) / h).read_text() for h in HOOKS} == contents
    assert not [p.name for p in hooks_dir(repo).iterdir() if "before-session-tracker" in p.name]
    status = json.loads(cli("hooks", "status", "--json").out)
    assert [h["state"] for h in status["hooks"]] == ["installed"] * len(HOOK_NAMES)


def test_a_foreign_hook_still_runs_after_install_and_is_restored_exactly(repo: Path, cli: Cli) -> None:
    original = hooks_dir(repo) / "pre-commit"
    write_hook(original, FOREIGN, 0o750)
    before = (original.read_bytes(), stat.S_IMODE(original.stat().st_mode))
    assert cli("hooks", "install").code == 0
    assert (hooks_dir(repo) / "pre-commit.before-session-tracker").read_bytes() == before[0]
    start_session(cli)
    change(repo)
    assert commit(repo, "both hooks ran").returncode == 0
    assert (repo / ".git" / "foreign.log").read_text() == "foreign ran: \n"
    assert "Session: 00001" in message(repo)

    # Its failure still stops the commit, and ours is not even asked.
    assert cli("log", "more").code == 0
    change(repo)
    refused = commit(repo, "foreign says no", env={"FOREIGN_EXIT": "3"})
    assert refused.returncode != 0
    assert "commit refused" not in refused.stderr

    result = json.loads(cli("hooks", "uninstall", "--json").out)
    assert [(h["hook"], h["state"]) for h in result["hooks"]] == [
        ("pre-commit", "restored"), *((h, "removed") for h in HOOK_NAMES[1:])]
    assert (original.read_bytes(), stat.S_IMODE(original.stat().st_mode)) == before
    assert sorted(p.name for p in hooks_dir(repo).iterdir() if not p.name.endswith(".sample")) == ["pre-commit"]


def test_a_binary_foreign_hook_is_chained(repo: Path, cli: Cli) -> None:
    false = shutil.which("false")
    assert false is not None
    binary = Path(false).read_bytes()
    assert b"\0" in binary[:4096]  # a real executable, not a script
    write_hook(hooks_dir(repo) / "pre-commit", binary)
    assert cli("hooks", "install").code == 0
    start_session(cli)
    change(repo)
    refused = commit(repo, "the binary says no")
    assert refused.returncode == 1 and "commit refused" not in refused.stderr  # /bin/false ran, not us
    assert cli("hooks", "uninstall").code == 0
    assert (hooks_dir(repo) / "pre-commit").read_bytes() == binary


def test_the_chained_hook_gets_the_arguments_and_stdin(repo: Path, cli: Cli) -> None:
    record = repo / ".git" / "seen.txt"
    write_hook(hooks_dir(repo) / "post-commit", f'#!/bin/sh\nprintf "%s|" "$@" > {record}\ncat >> {record}\nexit 7\n')
    assert cli("hooks", "install").code == 0
    script = hooks_dir(repo) / "post-commit"
    result = git_run(repo, "-c", "alias.x=!" + str(script), "x", "one", "two words", stdin="piped input\n")
    assert record.read_text() == "one|two words|piped input\n"
    assert result.returncode == 7  # its exit status is kept


def test_a_non_executable_hook_is_kept_but_not_run(repo: Path, cli: Cli) -> None:
    write_hook(hooks_dir(repo) / "commit-msg", "#!/bin/sh\nexit 1\n", 0o644)  # git ignores it today
    result = json.loads(cli("hooks", "install", "--json").out)
    assert any("not executable" in note for note in result["notes"])
    start_session(cli)
    change(repo)
    assert commit(repo, "still fine").returncode == 0
    assert cli("hooks", "uninstall").code == 0
    assert stat.S_IMODE((hooks_dir(repo) / "commit-msg").stat().st_mode) == 0o644


@pytest.mark.parametrize("hooks_path", ["relative", "absolute"])
def test_core_hookspath_is_respected(repo: Path, cli: Cli, hooks_path: str) -> None:
    target = repo / "tools" / "githooks"
    git_run(repo, "config", "core.hooksPath", "tools/githooks" if hooks_path == "relative" else str(target))
    result = json.loads(cli("hooks", "install", "--json").out)
    assert result["hooks_dir"] == str(target)
    assert sorted(p.name for p in target.iterdir()) == sorted(HOOKS)
    assert not (hooks_dir(repo) / "pre-commit").exists()
    change(repo)
    assert commit(repo, "guarded through core.hooksPath").returncode == 1


def test_a_hooks_path_outside_the_repository_needs_force(repo: Path, cli: Cli, tmp_path: Path) -> None:
    shared = tmp_path / "global-hooks"
    git_run(repo, "config", "core.hooksPath", str(shared))
    refused = cli("hooks", "install")
    assert refused.code == 1
    assert "outside this repository" in refused.err and "--force" in refused.err
    assert not shared.exists()
    assert cli("hooks", "install", "--force").code == 0
    assert (shared / "pre-commit").exists()


def test_linked_worktrees_share_the_hooks_and_keep_their_own_sessions(repo: Path, cli: Cli, tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    git_run(repo, "worktree", "add", "-q", "-b", "feature", str(linked))
    result = json.loads(cli("hooks", "install", "--json", cwd=linked).out)
    assert result["hooks_dir"] == str(hooks_dir(repo))  # the common dir
    change(linked, "feature.py")
    assert commit(linked, "no session in the linked worktree").returncode == 1
    assert cli("init", "--session", "00001", cwd=linked).code == 0
    assert cli("log", "feature work", cwd=linked).code == 0
    done = commit(linked, "feature")
    assert done.returncode == 0, done.stderr
    assert "Session: 00001" in message(linked)
    assert [e["data"]["subject"] for e in events(linked) if e["type"] == "commit"] == ["feature"]  # type: ignore[index]
    change(repo, "main.py")
    assert commit(repo, "main has no session open").returncode == 1  # the session is open there, not here


def test_uninstall_without_install_changes_nothing(repo: Path, cli: Cli) -> None:
    write_hook(hooks_dir(repo) / "pre-commit", FOREIGN)
    result = json.loads(cli("hooks", "uninstall", "--json").out)
    assert [h["state"] for h in result["hooks"]] == ["not session-tracker's: left alone"] + ["not installed"] * (len(HOOK_NAMES) - 1)
    assert (hooks_dir(repo) / "pre-commit").read_text() == FOREIGN


def test_a_hook_that_replaced_ours_is_a_conflict_unless_forced(repo: Path, cli: Cli) -> None:
    write_hook(hooks_dir(repo) / "pre-commit", FOREIGN)
    assert cli("hooks", "install").code == 0
    newer = "#!/bin/sh\n# another tool replaced the hook\nexit 0\n"
    write_hook(hooks_dir(repo) / "pre-commit", newer)
    refused = cli("hooks", "install")
    assert refused.code == 1 and "cannot chain" in refused.err and "--force" in refused.err
    assert (hooks_dir(repo) / "pre-commit").read_text() == newer  # nothing changed
    forced = json.loads(cli("hooks", "install", "--force", "--json").out)
    assert any(".old" in n for n in forced["notes"])
    assert (hooks_dir(repo) / "pre-commit.before-session-tracker").read_text() == newer
    assert (hooks_dir(repo) / "pre-commit.before-session-tracker.old").read_text() == FOREIGN


@pytest.mark.parametrize(("hooks_path", "says"), [
    ("README.md", "error: cannot create the hooks directory"),  # a file
    ("README.md/hooks", "error: cannot use the hooks directory"),  # under a file: git refuses it
])
def test_a_hooks_directory_that_cannot_be_created_is_a_clear_error(repo: Path, cli: Cli, hooks_path: str, says: str) -> None:
    git_run(repo, "config", "core.hooksPath", hooks_path)
    result = cli("hooks", "install")
    assert result.code == 1
    assert result.err.startswith(says)
    assert "hint:" in result.err
    git_run(repo, "config", "--unset", "core.hooksPath")
    change(repo)
    assert commit(repo, "git still works").returncode == 0


def test_a_hooks_directory_that_is_not_writable_changes_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root here, where permission bits do not stop writes: os.access is the boundary.
    write_hook(hooks_dir(repo) / "pre-commit", FOREIGN)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if str(path) == str(hooks_dir(repo)) else real_access(path, mode))
    with pytest.raises(TrackerError) as caught:
        hookfiles.install(Context(layout=Layout(str(repo)), env={}))
    assert "is not writable" in caught.value.message and "chmod" in caught.value.hint
    assert (hooks_dir(repo) / "pre-commit").read_text() == FOREIGN
    assert not (hooks_dir(repo) / "pre-commit.before-session-tracker").exists()


def test_outside_git_install_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "hooks", "install")
    assert result.code == 1
    assert "not inside a git repository" in result.err


def test_when_the_tool_is_gone_git_goes_on(repo: Path, tmp_path: Path) -> None:
    hookfiles.install(Context(layout=Layout(str(repo)), env={}), python=str(tmp_path / "uninstalled" / "python"))
    change(repo)
    bare_path = "/usr/bin:/bin"  # no session-tracker on it
    done = commit(repo, "tool missing", env={"PATH": bare_path})
    assert done.returncode == 0, done.stderr
    assert "session-tracker: not found" in done.stderr


def test_a_python_without_the_package_is_a_warning(repo: Path, tmp_path: Path) -> None:
    venv = tmp_path / "empty-venv"
    assert git_run(tmp_path, "--version").returncode == 0
    import venv as venv_module

    venv_module.create(venv, with_pip=False)
    hookfiles.install(Context(layout=Layout(str(repo)), env={}), python=str(venv / "bin" / "python"))
    change(repo)
    done = commit(repo, "package missing")
    assert done.returncode == 0, done.stderr
    assert "cannot import session_tracker" in done.stderr


def test_the_hook_never_imports_from_the_work_tree(repo: Path, cli: Cli) -> None:
    """A project with its own json.py at the top must not break (or hijack) the hook."""
    assert cli("hooks", "install").code == 0
    (repo / "json.py").write_text("raise SystemExit('the project json.py was imported')\n")
    change(repo)
    refused = commit(repo, "no session")
    assert refused.returncode == 1 and "open-session" in refused.stderr


# --------------------------------------------------------------------------- hook managers
# Each layout is recreated from the manager's published source: husky 9's index.js (hooksPath
# .husky/_, a `.gitignore` of "*", the dispatcher `h`, and one stub per hook that sources it),
# husky 4's per-hook scripts in .git/hooks, lefthook's and simple-git-hooks' scripts.

HUSKY9_DISPATCHER = """#!/usr/bin/env sh
[ "$HUSKY" = "2" ] && set -x
n=$(basename "$0")
s=$(dirname "$(dirname "$0")")/$n
[ ! -f "$s" ] && exit 0
[ "${HUSKY-}" = "0" ] && exit 0
export PATH="node_modules/.bin:$PATH"
sh -e "$s" "$@"
c=$?
[ $c != 0 ] && echo "husky - $n script failed (code $c)"
exit $c
"""
HUSKY9_STUB = '#!/usr/bin/env sh\n. "${0%/*}/h"'


def _husky9(repo: Path) -> dict[str, tuple[bytes, int]]:
    """husky 9 as `npx husky` leaves it, plus the user's .husky/pre-commit and commit-msg;
    returns the files of .husky/_ with their modes."""
    underscore = repo / ".husky" / "_"
    underscore.mkdir(parents=True)
    git_run(repo, "config", "core.hooksPath", ".husky/_")
    (underscore / ".gitignore").write_text("*")
    write_hook(underscore / "h", HUSKY9_DISPATCHER, 0o644)  # sourced by the stubs, not executed
    for hook in ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "pre-push"):
        write_hook(underscore / hook, HUSKY9_STUB)
    (underscore / "husky.sh").write_text("")
    log = repo / ".git" / "husky-user.log"
    write_hook(repo / ".husky" / "pre-commit", f'echo "pre-commit as $(basename "$0") args=$#" >> {log}\nexit ${{USER_HOOK_EXIT:-0}}\n', 0o644)
    write_hook(repo / ".husky" / "commit-msg", f'echo "commit-msg as $(basename "$0") msg=$(head -n1 "$1")" >> {log}\n', 0o644)
    return {p.name: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode)) for p in underscore.iterdir()}


def test_husky9_user_hooks_keep_running_under_their_own_names(repo: Path, cli: Cli) -> None:
    before = _husky9(repo)
    result = json.loads(cli("hooks", "install", "--json").out)
    assert result["hooks_dir"] == str(repo / ".husky" / "_")
    chained = {h["hook"]: (h["chained"], h.get("chained_kind")) for h in result["hooks"]}
    assert chained["pre-commit"] == ("pre-commit.before-session-tracker", "husky")
    start_session(cli)
    change(repo)
    done = commit(repo, "through husky")
    assert done.returncode == 0, done.stdout + done.stderr
    log = (repo / ".git" / "husky-user.log").read_text().splitlines()
    assert log == ["pre-commit as pre-commit args=0", "commit-msg as commit-msg msg=through husky"]
    assert "Session: 00001" in message(repo)  # ours ran too
    assert [e["data"]["subject"] for e in events(repo) if e["type"] == "commit"] == ["through husky"]  # type: ignore[index]

    # The user's hook still decides: its failure stops the commit.
    assert cli("log", "more").code == 0
    change(repo, text="x = 2\n")
    assert commit(repo, "husky says no", env={"USER_HOOK_EXIT": "1"}).returncode != 0

    status = cli("hooks", "status")
    assert "runs pre-commit.before-session-tracker first: husky" in status.out
    assert cli("hooks", "uninstall").code == 0
    underscore = repo / ".husky" / "_"
    assert {p.name: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode)) for p in underscore.iterdir()} == before


def test_husky4_style_hooks_dispatch_on_their_own_name(repo: Path, cli: Cli) -> None:
    """husky 4 to 8 and similar write .git/hooks/<hook> scripts that find their work from
    `basename "$0"` (husky 4: `hookName=$(basename "$0")`, then its runner)."""
    log = repo / ".git" / "husky4.log"
    runner = hooks_dir(repo) / "husky.local.sh"
    write_hook(runner, f'echo "runner for $hookName: $*" >> {log}\n', 0o644)
    script = '#!/bin/sh\n# husky\nhookName=`basename "$0"`\n. "$(dirname "$0")/husky.local.sh"\n'
    for hook in ("pre-commit", "commit-msg"):
        write_hook(hooks_dir(repo) / hook, script)
    assert cli("hooks", "install").code == 0
    start_session(cli)
    change(repo)
    assert commit(repo, "husky four").returncode == 0
    lines = log.read_text().splitlines()
    assert lines[0] == "runner for pre-commit: " and lines[1].startswith("runner for commit-msg: ")
    assert lines[1].endswith("COMMIT_EDITMSG")


@pytest.mark.parametrize(("manager", "text"), [
    ("lefthook", '#!/bin/sh\n\nif [ "$LEFTHOOK_VERBOSE" = "1" ]; then set -x; fi\n\ncall_lefthook()\n{{\n  echo "lefthook run $*" >> {log}\n}}\n\ncall_lefthook run "pre-commit" "$@"\n'),
    ("simple-git-hooks", '#!/bin/sh\n\nif [ "$SKIP_SIMPLE_GIT_HOOKS" = "1" ]; then\n    echo "[INFO] SKIP_SIMPLE_GIT_HOOKS is set to 1, skipping hook."\n    exit 0\nfi\n\necho "simple-git-hooks ran" >> {log}\n'),
])
def test_other_managers_keep_running(repo: Path, cli: Cli, manager: str, text: str) -> None:
    log = repo / ".git" / f"{manager}.log"
    original = hooks_dir(repo) / "pre-commit"
    write_hook(original, text.format(log=log))
    before = original.read_bytes()
    result = json.loads(cli("hooks", "install", "--json").out)
    assert {h["hook"]: h.get("chained_kind") for h in result["hooks"]}["pre-commit"] == manager
    start_session(cli)
    change(repo)
    assert commit(repo, f"through {manager}").returncode == 0
    assert log.read_text().strip() in ("lefthook run run pre-commit", "simple-git-hooks ran")
    assert cli("hooks", "uninstall").code == 0
    assert original.read_bytes() == before


def test_a_hook_that_calls_our_script_again_does_not_loop(repo: Path, cli: Cli) -> None:
    """A chained hook that runs the hook path again (a manager's migration mode) ends."""
    write_hook(hooks_dir(repo) / "pre-commit", '#!/bin/bash\n"$(dirname "$0")/pre-commit" "$@"\n')
    assert cli("hooks", "install").code == 0
    start_session(cli)
    change(repo)
    done = commit(repo, "no loop")
    assert done.returncode == 0, done.stderr
