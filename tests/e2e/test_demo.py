"""`make demo`'s script runs a whole session on a real project and prints the handoff."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_script_runs_a_complete_session(tmp_path: Path) -> None:
    bindir = Path(sys.executable).parent
    # The example project's own .venv gets this run's tools by a .pth link (offline); `make demo`
    # installs them from PyPI instead.
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}", "TMPDIR": str(tmp_path),
           "DEMO_SITE_PACKAGES": sysconfig.get_paths()["purelib"]}
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(["bash", str(ROOT / "scripts/demo.sh")], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "✅ Session 00001 COMPLETE" in proc.stdout
    project = next(tmp_path.glob("session-tracker-demo.*/calculator"))
    assert f"python: {project / '.venv' / 'bin' / 'python'} (.venv/)" in proc.stdout  # the example's own venv
    assert re.search(r"pytest \(exit 0\): 3 passed", proc.stdout)
    project = next(tmp_path.glob("session-tracker-demo.*/calculator"))
    handoff = (project / "archive/sessions/SESSION-00001-HANDOFF.md").read_text()
    assert "divide() raises ZeroDivisionError when b == 0" in handoff
    assert "| `calc.py` | modified | +6 −0 |" in handoff
    assert "Add divide()" in handoff.split("## Commits (1)")[1].split("##")[0]  # the session's own commit, not "merged in"
    log = subprocess.run(["git", "log", "--format=%s"], cwd=project, capture_output=True, text=True, check=True).stdout
    assert log.splitlines()[0] == "Session 00001: its events (the documents are views)"
