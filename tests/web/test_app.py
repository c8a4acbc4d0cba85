"""`session-tracker serve` as a real subprocess on loopback: pages, the JSON API (same data as the
CLI's --json), and its defences (Host allowlist, token beyond loopback, read-only, CSP)."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra (starlette, uvicorn, jinja2) is not installed")
pytest.importorskip("uvicorn", reason="the web extra is not installed")

from conftest import run_cli
from web_support import BLOCKER_WORD, RATIONALE_WORD, cli, serving


def get(port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One request to 127.0.0.1:port (Host header as given, else the loopback address)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, headers={"Host": f"127.0.0.1:{port}", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """One recorded project shared by the read-only tests of this module (built under the same
    isolation as the autouse fixture, which is function-scoped and so not yet active here)."""
    from web_support import isolated_project

    return isolated_project(tmp_path_factory)


def test_pages_answer_and_carry_the_csp(project: tuple[Path, dict[str, str]]) -> None:
    root, names = project
    with serving(root) as server:
        for path in ("/", f"/sessions/{names['human']}", f"/sessions/{names['agent']}", "/plan", "/decisions", "/work", "/metrics",
                     f"/search?q={RATIONALE_WORD}", "/static/app.js", "/static/app.css"):
            status, headers, body = get(server.port, path)
            assert status == 200, (path, body[:300])
            assert "default-src 'none'" in headers["content-security-policy"]
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["server-timing"].startswith("app;dur=")
        _, _, page = get(server.port, f"/sessions/{names['agent']}")
        text = page.decode()
        assert "cargo test" in text and "failed" in text  # the failing command is marked
        assert "gpt-5-codex" in text or "codex" in text  # what the agent session started with
        assert "<svg" in text  # swimlanes
        _, _, home = get(server.port, "/")
        assert b"http://" not in home.replace(b"http://127.0.0.1", b"")  # nothing loaded from elsewhere


def test_api_sessions_is_the_cli_list(project: tuple[Path, dict[str, str]]) -> None:
    root, names = project
    with serving(root) as server:
        status, headers, body = get(server.port, "/api/v1/sessions")
        assert status == 200 and headers["content-type"].startswith("application/json")
        api = json.loads(body)
        shown = json.loads(get(server.port, f"/api/v1/sessions/{names['human']}")[2])
        status_api = json.loads(get(server.port, "/api/v1/status")[2])
    listed = json.loads(cli(root, "list", "--json"))
    for rows in (api["sessions"], listed["sessions"]):
        for row in rows:
            if row["status"] == "OPEN":
                row.pop("duration_s")  # grows with the clock between the two reads
    assert api == listed
    assert api["v"] == 1 and [r["session"] for r in api["sessions"]] == [names["human"], names["agent"]]
    show = json.loads(cli(root, "show", names["human"], "--json"))
    assert shown == show  # an ended session: every field the same
    assert status_api == json.loads(cli(root, "status", "--json"))


def test_every_api_body_is_versioned(project: tuple[Path, dict[str, str]]) -> None:
    root, names = project
    with serving(root) as server:
        for path in ("/api/v1/version", "/api/v1/sessions", f"/api/v1/sessions/{names['agent']}", "/api/v1/decisions", "/api/v1/blockers",
                     "/api/v1/plan", "/api/v1/metrics", "/api/v1/status", "/api/v1/tasks", f"/api/v1/search?q={BLOCKER_WORD}",
                     "/api/v1/sessions/99999", "/api/v1/nothing-here"):
            status, _, body = get(server.port, path)
            assert json.loads(body)["v"] == 1, path
            assert status == (404 if path.endswith(("99999", "nothing-here")) else 200), path
        decisions = json.loads(get(server.port, "/api/v1/decisions")[2])["decisions"]
        one = json.loads(get(server.port, f"/api/v1/decisions/{decisions[0]['id']}")[2])
        blockers = json.loads(get(server.port, "/api/v1/blockers")[2])
        found = json.loads(get(server.port, f"/api/v1/search?q={RATIONALE_WORD}")[2])
        metrics = json.loads(get(server.port, "/api/v1/metrics")[2])
    assert RATIONALE_WORD in one["rationale"]
    assert [b["message"] for b in blockers["blockers"]] == [f"The {BLOCKER_WORD} browser test needs chromium"]
    assert found["results"][0]["type"] == "decision" and found["results"][0]["id"] == one["id"]
    assert metrics["sessions"][0]["tests_passed"] == 41 and metrics["sessions"][0]["coverage_percent"] == 83.5


def test_foreign_host_header_is_refused(project: tuple[Path, dict[str, str]]) -> None:
    root, _ = project
    with serving(root) as server:
        for host in ("evil.example", f"evil.example:{server.port}", "127.0.0.1.evil.example", ""):
            status, _, body = get(server.port, "/api/v1/sessions", {"Host": host})
            assert 400 <= status < 500, host
            assert b"sessions" not in body
            assert b"Host" in body
        for host in (f"localhost:{server.port}", f"127.0.0.1:{server.port}", "localhost"):
            assert get(server.port, "/", {"Host": host})[0] == 200, host


def test_read_only(project: tuple[Path, dict[str, str]]) -> None:
    root, _ = project
    with serving(root) as server:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            assert get(server.port, "/api/v1/sessions", method=method)[0] == 405
        assert get(server.port, "/static/..%2Fapp.py")[0] == 404
        assert get(server.port, "/sessions/..%2F..%2Fetc")[0] == 404


def test_beyond_loopback_needs_a_token(repo: Path) -> None:
    for host in ("0.0.0.0", "::", "192.0.2.10"):
        result = run_cli(repo, "serve", "--host", host, "--port", "0")
        assert result.code == 1, result
        assert result.err.startswith("error: refusing to listen on") and "hint: add --token" in result.err
        assert "Traceback" not in result.err
    bad = run_cli(repo, "serve", "--token", "short", "--port", "0")
    assert bad.code == 1 and "token must be" in bad.err


def test_with_a_token_every_request_needs_it(repo: Path) -> None:
    cli(repo, "init", "--objective", "token test")
    secret = "s3cret-token-for-tests"
    with serving(repo, "--token", secret) as server:
        assert get(server.port, "/")[0] == 401
        assert get(server.port, "/api/v1/sessions")[0] == 401
        assert get(server.port, "/api/v1/sessions", {"Authorization": "Bearer wrong-token-x"})[0] == 401
        status, _, body = get(server.port, "/api/v1/sessions", {"Authorization": f"Bearer {secret}"})
        assert status == 200 and json.loads(body)["sessions"][0]["objective"] == "token test"
        status, headers, _ = get(server.port, f"/plan?token={secret}")
        assert status == 303 and headers["location"] == "/plan"
        cookie = headers["set-cookie"].split(";", 1)[0]
        assert "HttpOnly" in headers["set-cookie"]
        assert get(server.port, "/plan", {"Cookie": cookie})[0] == 200
        assert get(server.port, "/plan", {"Cookie": "strack_token=nope-nope-nope"})[0] == 401
        assert get(server.port, "/", {"Host": "evil.example", "Authorization": f"Bearer {secret}"})[0] == 403  # both rules hold


def test_token_beyond_loopback_listens(repo: Path) -> None:
    """With a token, a wildcard bind is allowed (and the token is still required on loopback)."""
    with serving(repo, "--host", "0.0.0.0", "--token", "another-secret-1") as server:
        assert get(server.port, "/")[0] == 401
        assert get(server.port, "/", {"Authorization": "Bearer another-secret-1"})[0] == 200


def test_port_in_use_is_an_error(repo: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "session_tracker", "serve", "--port", str(port)], cwd=repo,
                              capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1 and proc.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}")
