"""The dashboard in a real browser: playwright driving the system's chromium (Debian's
``chromium`` package; never a downloaded build) against a real `serve` subprocess and a real
static export. Every page must load with no console error; screenshots go to
``test-artifacts/screenshots/`` (git-ignored; ``STRACK_SCREENSHOTS`` moves them).

Skipped, with the reason, only when no chromium can be had; under CI (``CI`` set) a missing
chromium fails instead, because `.ci/run` installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extra (starlette, uvicorn, jinja2) is not installed")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")

from conftest import GIT_ENV
from web_support import BLOCKER_WORD, RATIONALE_WORD, Server, isolated_project, serving

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("STRACK_SCREENSHOTS", ROOT / "test-artifacts" / "screenshots"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         # DNS rebinding, simulated: the attacker's name resolves to our loopback address.
         "--host-resolver-rules=MAP evil.example 127.0.0.1"]


def chromium_path() -> str | None:
    """The system chromium: $STRACK_CHROMIUM, /usr/bin/chromium, or chromium on PATH."""
    for candidate in (os.environ.get("STRACK_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def context() -> Iterator[Any]:
    """A chromium with an empty profile (a fresh --user-data-dir), shared by this module."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing under CI: .ci/run installs it (apt-get install -y chromium)")
        pytest.skip("no chromium on this machine: `make test` installs it (scripts/ensure-chromium.sh), or set STRACK_CHROMIUM")
    profile = tempfile.mkdtemp(prefix="strack-chromium-")
    with sync_api.sync_playwright() as playwright:
        ctx = playwright.chromium.launch_persistent_context(profile, executable_path=path, headless=True, args=FLAGS,
                                                          viewport={"width": 1280, "height": 900})
        try:
            yield ctx
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)


class Watched:
    """A page whose console errors and uncaught exceptions are collected."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(context: Any) -> Iterator[Watched]:
    watched = Watched(context.new_page())
    yield watched
    watched.page.close()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return isolated_project(tmp_path_factory)


@pytest.fixture(scope="module")
def server(project: tuple[Path, dict[str, str]]) -> Iterator[Server]:
    with serving(project[0], "--poll-ms", "300") as running:
        yield running


def test_click_from_the_list_to_a_session_to_a_decision(page: Watched, server: Server, project: tuple[Path, dict[str, str]]) -> None:
    _, names = project
    p = page.page
    p.goto(server.url + "/")
    assert p.locator("#sessions-table tbody tr").count() == 2
    page.shot("01-sessions")
    p.click(f"a.session-link:text-is('{names['human']}')")
    p.wait_for_url(f"**/sessions/{names['human']}")
    assert p.locator("svg.lanes").count() == 1
    assert "Check the Host header on every request" in p.inner_text("#timeline")
    page.shot("02-session")
    p.click("#timeline a.decision-link")
    p.wait_for_url("**/decisions/*")
    assert RATIONALE_WORD in p.inner_text("#decision-rationale")
    page.shot("03-decision")
    p.click("#decision-session")
    p.wait_for_url(f"**/sessions/{names['human']}")
    for path in ("/plan", "/decisions", "/work", "/metrics", f"/sessions/{names['agent']}"):
        p.goto(server.url + path)
        page.shot("04" + path.replace("/", "-"))
    assert p.locator("#commands tr.failed").count() == 1  # the agent's failing `cargo test`
    assert page.errors == []


def test_search_finds_the_decision_and_the_blocker(page: Watched, server: Server) -> None:
    p = page.page
    p.goto(server.url + "/")
    p.fill("#search-box", RATIONALE_WORD)
    p.press("#search-box", "Enter")
    p.wait_for_url("**/search?q=*")
    first = p.locator("#results li").first
    assert first.locator("a.result-link").inner_text().startswith("decision")
    assert first.locator("mark").first.inner_text().lower() == RATIONALE_WORD
    page.shot("05-search")
    p.fill("#search-box", BLOCKER_WORD)
    p.press("#search-box", "Enter")
    p.wait_for_selector("#results li")
    assert p.locator("#results li a.result-link").first.inner_text().startswith("blocker.opened")
    p.locator("#results li a.result-link").first.click()
    p.wait_for_url("**/sessions/*#e-*")
    assert BLOCKER_WORD in p.inner_text("#blockers")
    assert page.errors == []


def test_live_update_without_reload(page: Watched, server: Server, project: tuple[Path, dict[str, str]]) -> None:
    root, names = project
    p = page.page
    p.goto(server.url + f"/sessions/{names['agent']}")
    p.evaluate("window.__sameDocument = 'yes'")
    assert "Entry written while the page was open" not in p.inner_text("#main")
    subprocess.run([sys.executable, "-m", "session_tracker", "log", "Entry written while the page was open"], cwd=root,
                   env={**os.environ, **GIT_ENV}, check=True, capture_output=True, timeout=60)
    # (a selector, not wait_for_function: the page's CSP rightly forbids evaluating strings)
    p.wait_for_selector("#timeline li:has-text('Entry written while the page was open')", timeout=20000)
    assert p.evaluate("window.__sameDocument") == "yes"  # the page was updated in place, not reloaded
    assert p.inner_text("#live-status").startswith("live · updated")
    page.shot("06-live-update")
    assert page.errors == []


def test_foreign_host_is_refused_in_the_browser(page: Watched, server: Server) -> None:
    p = page.page
    response = p.goto(f"http://evil.example:{server.port}/")
    assert response is not None and response.status == 403
    assert "DNS-rebinding" in p.inner_text("body")
    page.shot("07-host-refused")
    response = p.goto(f"http://evil.example:{server.port}/api/v1/sessions")
    assert response is not None and response.status == 403
    assert all("403" in e for e in page.errors), page.errors  # only the refusals themselves


def test_token_is_required_and_then_remembered(page: Watched, project: tuple[Path, dict[str, str]]) -> None:
    root, names = project
    secret = "browser-token-1234"
    with serving(root, "--token", secret, "--poll-ms", "300") as guarded:
        p = page.page
        response = p.goto(guarded.url + "/")
        assert response is not None and response.status == 401
        p.wait_for_timeout(300)
        assert all("401" in e for e in page.errors), page.errors
        page.errors.clear()  # the refusal itself is logged as a failed load
        response = p.goto(guarded.url + f"/?token={secret}")
        assert response is not None and response.status == 200
        assert p.url == guarded.url + "/"  # the token left the address bar
        p.click(f"a.session-link:text-is('{names['agent']}')")
        p.wait_for_url(f"**/sessions/{names['agent']}")
        time.sleep(1.0)  # a few live polls, carried by the cookie
        assert "offline" not in p.inner_text("#live-status")
        page.shot("08-token")
        assert page.errors == []


def test_static_export_works_from_files(page: Watched, project: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, names = project
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "session_tracker", "export", "--html", str(site)], cwd=root,
                   env={**os.environ, **GIT_ENV}, check=True, capture_output=True, timeout=120)
    p = page.page
    p.goto((site / "index.html").as_uri())
    p.fill("#static-filter", names["human"])
    assert p.locator("#sessions-table tbody tr:visible").count() == 1
    p.click(f"a.session-link:text-is('{names['human']}')")
    p.click("#timeline a.decision-link")
    assert RATIONALE_WORD in p.inner_text("#decision-rationale")
    p.fill("#search-box", BLOCKER_WORD)
    p.press("#search-box", "Enter")
    p.wait_for_selector("#results li")
    assert p.locator("#results li a.result-link").first.inner_text().startswith("blocker.opened")
    page.shot("09-static-search")
    assert page.errors == []
