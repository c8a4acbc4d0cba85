"""A broad corpus of real secret formats (tests/secret_corpus.py) is redacted; ordinary text
that looks close to a secret is left exactly as it is."""

from __future__ import annotations

import pytest

from secret_corpus import CORPUS, p, random_parts, rnd
from session_tracker.core.redact import redact, redact_value


@pytest.mark.parametrize(("family", "text"), CORPUS, ids=[family for family, _ in CORPUS])
def test_secret_formats_are_redacted(family: str, text: str) -> None:
    """Every format loses its secret: a marker appears, and no 8+ character run of the
    secret's random body survives."""
    out = redact(text)
    assert "[REDACTED:" in out, out
    assert redact(out) == out
    for token in random_parts(text):
        assert token not in out, (family, out)


def test_corpus_is_broad() -> None:
    """The corpus covers the families the issue names (at least 100 formats)."""
    assert len(CORPUS) >= 100


NEAR_MISSES = [
    "commit 3f2c1e0b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b fixed the bug",
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 of the wheel",
    "event 01JD8Z3K4M5N6P7Q8R9S0T1V2W logged",
    "session 123e4567-e89b-12d3-a456-426614174000 started",
    "request id 9b2f6c1e-2a4d-4c8e-9f0b-7d3a5e6c8b1a failed",
    "version 1.2.3-rc.4+build.5678, python 3.12.1, node v20.10.0",
    "base64 chunk aGVsbG8gd29ybGQgdGhpcyBpcyBhIHRlc3Q= in prose",
    "paths: src/session_tracker/redact.py, /home/dev/.config/app/settings.toml, C:\\Users\\dev\\key.txt",
    "see tests/test_auth_token_refresh.py::test_refresh_token_expires",
    "the password field is required; password reset mails go out hourly",
    "rotate the API token and the secret key every 90 days",
    "Authorization header missing, returned 401",
    "token: expired",
    "password: required",
    "PASSWORD=${DB_PASSWORD}",
    "API_TOKEN=$API_TOKEN",
    "SECRET_KEY=<your-secret-key>",
    "export GITHUB_TOKEN=your_token_here",
    "password = os.environ['DB_PASSWORD']",
    "token = get_token(user)",
    "api_key = settings.API_KEY",
    "if password == confirm: save()",
    "max_tokens=4096 temperature=0.2",
    "DEBUG=true SECRET_KEY_FILE=/run/secrets/key",
    "primary_key=id foreign_key=user_id",
    "basic functionality works; Bearer tokens are documented",
    "curl -u $USER:$PASS https://example.com",
    "docker run -u 1000:1000 image; mysql -p dbname",
    "git push -u origin main",
    "monkey=banana keyboard=qwerty",
    "task-force met; risk-assess; sk-learn-RandomForest",
    "xoxb-style-tokens-are-documented-here",
    "glpat-token-expiry-policy-and-rotation-docs",
    "the eyJ prefix means base64 JSON",
    "AIza is the prefix of Google keys",
    "SG.example is not a key",
    "email alice@example.com; ssh git@github.com:org/repo.git",
    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
    "ULIDs 01HQ3K4M5N6P7Q8R9S0T1V2W3X and 01HQ3K4M5N6P7Q8R9S0T1V2W3Y sort by time",
    "lint codes E501 W291 F401 and mypy [arg-type]",
    "credentials are read from ~/.aws/credentials",
    "auth: none",
    "password_hash is stored, never the password",
    "SKIP=flake8 git commit",
    "ACCEPTANCE criteria met",
    "pass the tests; --pass-with-no-tests",
    "key-value store and key-based lookups",
    "compat=1.2 and xpat=3",
    "redis-cli -h cache ping; docker login registry.example.com",
    "the login page and the password page",
    "EAA is a prefix; AAAA records in DNS",
    "const credentials = await setupSteps.getCredentials(isUpdate);",
    "const apiKey = await clack.password({ message: 'Enter API key' })",
    "codemie-claude --model claude-4-5-sonnet --api-key sk-... \"review code\"",
    "env.CODEMIE_API_KEY = apiKeyValue;",
    "const apiKey = 'sk-ant-' + 'a'.repeat(95);",
    "apiKey: 'proxy-handled', env.OPENAI_API_KEY = 'proxy-handled';",
    '"thinking": "Let me try.", "signature": "EsgBCkgICxABGAIqQIyI8TX/6LchYMbOm3ETWXqgysCY0Yxy2RsvN3WKjndw"',
    'token = "ghp_" + "a1B2"',
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_ordinary_text_is_never_redacted(text: str) -> None:
    """Near-misses of every rule come back exactly as they went in."""
    assert redact(text) == text


def test_event_dict_keys_and_secret_named_values() -> None:
    """Keys are redacted like values (lint codes, test names), and a value under a key that
    names a secret is redacted whatever its shape."""
    token = p("ghp", "_", rnd(36))
    data = {"counts": {token: 1, "E501": 2}, "env": {"DB_PASSWORD": "hunter22", "HOME": "/home/x"}}
    out = redact_value(data)
    assert out == {
        "counts": {"[REDACTED:github-token]": 1, "E501": 2},
        "env": {"DB_PASSWORD": "[REDACTED:secret]", "HOME": "/home/x"},
    }
