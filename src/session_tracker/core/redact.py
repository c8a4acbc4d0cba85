"""Redaction of high-confidence secrets before any text reaches the event log.

Every string that session-tracker writes to disk passes through :func:`redact` (or
:func:`redact_value` for whole event payloads). A match is replaced by
``[REDACTED:<kind>]``; for ``url-password`` only the password part of the URL is replaced.

Only *high-confidence* shapes are recognised, because a false positive destroys part of a
user's note. Ordinary words, git SHAs, ULIDs, UUIDs and base64 of ordinary length are left
alone. Token kinds whose prefix could occur in ordinary text (``sk-``, ``eyJ``) additionally
require a run of 16+ ASCII letters/digits that looks random (mixes digits and letters, or
upper and lower case).

Kinds (see :data:`KINDS`):

``private-key``
    A whole ``-----BEGIN ... PRIVATE KEY-----`` ... ``-----END ... PRIVATE KEY-----`` block
    (RSA, EC, DSA, OPENSSH, ENCRYPTED, plain, and ``PGP PRIVATE KEY BLOCK``), across
    newlines. A BEGIN line without its END line redacts to the end of the text.
``aws-secret-key``
    A 40-character ``[A-Za-z0-9/+]`` value directly after an AWS secret key name and
    ``=``, ``:``, ``:=``, ``=>`` or whitespace, optionally quoted. Names are
    ``secret`` + ``access`` + ``key`` (``aws_secret_access_key``, ``AWS_SECRET_ACCESS_KEY``,
    ``SecretAccessKey``, ``secret-access-key`` ...) or ``aws`` + ``secret`` + ``key``
    (``aws_secret_key``), joined by nothing or one of ``_.-``; each word may be lower,
    Capitalised or UPPER case. The name is kept; only the value is replaced.
``url-password``
    The password in ``scheme://user:password@host``; user and host are kept
    (``scheme://user:[REDACTED:url-password]@host``). The user may be empty.
``github-token``
    ``ghp_``/``gho_``/``ghu_``/``ghs_``/``ghr_`` + 36 or more letters/digits, and
    fine-grained ``github_pat_`` tokens (22+ ``[A-Za-z0-9_]`` with a random-looking run).
``gitlab-token``
    ``glpat-`` + 20 or more ``[A-Za-z0-9_-]`` that contain a digit or mixed case
    (plus the optional ``.xxxxxxxxx`` suffix of routable tokens).
``slack-token``
    ``xoxb-``/``xoxp-``/``xoxa-``/``xoxr-``/``xoxs-`` + 10 or more letters/digits/dashes
    that contain a digit or mixed case, and incoming-webhook URLs
    ``https://hooks.slack.com/services/T.../B.../...``.
``api-key``
    ``sk-`` style keys at a word start: ``sk-`` (including ``sk-proj-``, ``sk-ant-``,
    ``sk-live_``), ``sk_live_``, ``sk_test_``, ``rk_live_``, ``rk_test_`` followed by 20 or
    more ``[A-Za-z0-9_-]``. A bare ``sk-`` key needs a 16+ run with digits, upper and lower
    case (or a 32+ run with a digit or mixed case); the longer prefixes need a 16+ run with
    a digit or mixed case.
``jwt``
    Three base64url segments separated by dots where the first two start with ``eyJ``
    (base64 of ``{"``) and the signature has 16+ characters.
``aws-access-key``
    ``AKIA``/``ASIA``/``AGPA``/``AIDA``/``AROA``/``ANPA``/``ANVA``/``AIPA`` + 16
    uppercase letters/digits, not touching another letter, digit or underscore.

Redaction is idempotent: ``redact(redact(x)) == redact(x)``; the markers themselves never
match.

Performance: the module imports only :mod:`re`. Each kind's pattern is compiled on first
use and cached at module level, and a kind's regex only runs when a cheap substring test
(``"ghp_" in text``, ``"://" in text``, ...) says it could match, so text without any
trigger costs a few substring scans.
"""

import re

KINDS: tuple[str, ...] = (
    "private-key",
    "aws-secret-key",
    "url-password",
    "github-token",
    "gitlab-token",
    "slack-token",
    "api-key",
    "jwt",
    "aws-access-key",
)
"""Every kind name that can appear in a ``[REDACTED:<kind>]`` marker (see module docstring)."""

# Pattern sources, indexed by the _P_* constants; compiled on first use by _pattern().
# Where possible a pattern starts with a literal so that re's fast prefix search applies;
# word-boundary lookbehinds are therefore placed after the literal and span it.
_P_PRIVATE_KEY = 0
_P_AWS_SECRET = 1
_P_URL_PASSWORD = 2
_P_GITHUB = 3
_P_GITLAB = 4
_P_SLACK = 5
_P_SLACK_WEBHOOK = 6
_P_JWT = 7
_P_API_KEY = 8
_P_API_KEY_STRIPE = 9
_P_AWS_ACCESS = 10
_P_RUN = 11

_SOURCES: tuple[str, ...] = (
    # private-key: BEGIN line, anything (lazily), END line or end of text.
    (
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
        r"[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)"
    ),
    # aws-secret-key: "secret" + ("access" | preceded by "aws") + "key", a separator, and
    # exactly 40 value chars (group 1). Case variants are spelled out: (?i) is much slower.
    (
        r"(?:[Ss]ecret|SECRET)"
        r"(?:[_.\-]?(?:access|Access|ACCESS)|(?<=[Aa][Ww][Ss]......)|(?<=[Aa][Ww][Ss][_.\-]......))"
        r"[_.\-]?(?:key|Key|KEY)[\"']?(?:\s*(?::=|=>|=|:)\s*|\s+)[\"']?"
        r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
    ),
    # url-password: literal '://' first, a scheme character checked by lookbehind;
    # group 1 = user (may be empty; no ':' or brackets), group 2 = password (up to the
    # last '@' of the authority, as urllib splits it), then a host must follow.
    r"://(?<=[A-Za-z0-9+.\-]://)([^\s:/?#\[\]\"'<>`]*):([^\s/?#\"'<>`]+)@(?=[A-Za-z0-9\[])",
    # github-token
    r"gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}",
    # gitlab-token (with the optional suffix of routable tokens)
    r"glpat-[A-Za-z0-9_\-]{20,}(?:\.[0-9a-z]{9}(?![A-Za-z0-9]))?",
    # slack-token: API tokens
    r"xox[bpars]-[A-Za-z0-9\-]{10,}",
    # slack-token: incoming-webhook URLs
    r"(?:https?://)?hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}",
    # jwt
    r"eyJ[A-Za-z0-9_\-]{12,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{16,}",
    # api-key: sk-... (also sk-proj-, sk-ant-, sk-live_), not preceded by [A-Za-z0-9_]
    r"sk-(?<![A-Za-z0-9_]...)[A-Za-z0-9_\-]{20,}",
    # api-key: sk_live_, sk_test_, rk_live_, rk_test_
    r"[sr]k_(?:live|test)_(?<![A-Za-z0-9_]........)[A-Za-z0-9_\-]{20,}",
    # aws-access-key: prefix + 16, not touching [A-Za-z0-9_] on either side
    r"A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)(?<![A-Za-z0-9_]....)[A-Z0-9]{16}(?![A-Za-z0-9_])",
    # helper: a long run of ASCII letters/digits
    r"[A-Za-z0-9]{16,}",
)

_COMPILED: list[re.Pattern[str] | None] = [None] * len(_SOURCES)

_AWS_ACCESS_TRIGGERS = ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA")
_GITHUB_TRIGGERS = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")
# Prefixes specific enough that a 16+ run with a digit or mixed case suffices.
_API_KEY_DISTINCT = (
    "sk-proj-",
    "sk-ant-",
    "sk-svcacct-",
    "sk-admin-",
    "sk-live_",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
)
_MAX_PASSES = 3


def _pattern(index: int) -> re.Pattern[str]:
    """Return the compiled pattern for ``index``, compiling and caching it on first use."""
    compiled = _COMPILED[index]
    if compiled is None:
        compiled = re.compile(_SOURCES[index], re.ASCII)
        _COMPILED[index] = compiled
    return compiled


def _mixed(s: str) -> bool:
    """Whether ``s`` contains an ASCII digit, or an uppercase letter after a lowercase one."""
    has_lower = False
    for c in s:
        if "0" <= c <= "9":
            return True
        if "a" <= c <= "z":
            has_lower = True
        elif has_lower and "A" <= c <= "Z":
            return True
    return False


def _strict(s: str) -> bool:
    """Whether ``s`` has a digit, an uppercase and a lowercase letter (or is 32+ and mixed)."""
    if len(s) >= 32 and _mixed(s):
        return True
    digit = upper = lower = False
    for c in s:
        if "0" <= c <= "9":
            digit = True
        elif "A" <= c <= "Z":
            upper = True
        elif "a" <= c <= "z":
            lower = True
    return digit and upper and lower


def _has_random_run(s: str, strict: bool = False) -> bool:
    """Whether ``s`` has a 16+ run of letters/digits that looks random (see module doc)."""
    check = _strict if strict else _mixed
    return any(check(m.group()) for m in _pattern(_P_RUN).finditer(s))


def _sub_aws_secret(m: re.Match[str]) -> str:
    """Replacement for an aws-secret-key match: keep the key name and separator."""
    return m.group()[: m.start(1) - m.start()] + "[REDACTED:aws-secret-key]"


def _sub_url_password(m: re.Match[str]) -> str:
    """Replacement for a url-password match; an already-redacted password is kept."""
    password = m.group(2)
    if password.startswith("[REDACTED:") and password.endswith("]") and password[10:-1] in KINDS:
        return m.group()
    return "://" + m.group(1) + ":[REDACTED:url-password]@"


def _sub_github(m: re.Match[str]) -> str:
    """Replacement for a github-token candidate (fine-grained tokens need a random run)."""
    token = m.group()
    if token.startswith("github_pat_") and not _has_random_run(token[11:]):
        return token
    return "[REDACTED:github-token]"


def _sub_gitlab(m: re.Match[str]) -> str:
    """Replacement for a gitlab-token candidate whose body looks random."""
    token = m.group()
    return "[REDACTED:gitlab-token]" if _mixed(token[6:]) else token


def _sub_slack(m: re.Match[str]) -> str:
    """Replacement for a slack API token candidate whose body looks random."""
    token = m.group()
    return "[REDACTED:slack-token]" if _mixed(token[5:]) else token


def _sub_api_key(m: re.Match[str]) -> str:
    """Replacement for an api-key candidate that has a random-looking 16+ run."""
    token = m.group()
    strict = not token.startswith(_API_KEY_DISTINCT)
    return "[REDACTED:api-key]" if _has_random_run(token[3:], strict) else token


def _sub_jwt(m: re.Match[str]) -> str:
    """Replacement for a jwt candidate that has a random-looking 16+ run."""
    token = m.group()
    return "[REDACTED:jwt]" if _has_random_run(token) else token


def _at_word_start(text: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``text`` not preceded by an ASCII letter, digit or '_'."""
    i = text.find(needle)
    while i != -1:
        if i == 0:
            return True
        c = text[i - 1]
        if not (c == "_" or ("a" <= c <= "z") or ("A" <= c <= "Z") or ("0" <= c <= "9")):
            return True
        i = text.find(needle, i + 1)
    return False


def _one_pass(text: str) -> str:
    """Apply every kind whose cheap substring trigger is present, in a fixed order."""
    # Order: context-anchored kinds first (a token used as a URL password counts as
    # url-password), then prefix kinds without boundary checks, then those with them, so a
    # replacement's brackets can never create a boundary that an earlier rule needed.
    # Single-character tests ("_", "-") are memchr-fast and gate groups of triggers.
    has_dash = "-" in text
    if has_dash and "-----BEGIN " in text:
        text = _pattern(_P_PRIVATE_KEY).sub("[REDACTED:private-key]", text)
    if ("ecret" in text or "ECRET" in text) and ("ey" in text or "EY" in text):
        text = _pattern(_P_AWS_SECRET).sub(_sub_aws_secret, text)
    if "://" in text and "@" in text:
        text = _pattern(_P_URL_PASSWORD).sub(_sub_url_password, text)
    has_underscore = "_" in text
    if has_underscore:
        for trigger in _GITHUB_TRIGGERS:
            if trigger in text:
                text = _pattern(_P_GITHUB).sub(_sub_github, text)
                break
    if has_dash:
        if "glpat-" in text:
            text = _pattern(_P_GITLAB).sub(_sub_gitlab, text)
        if "xox" in text:
            text = _pattern(_P_SLACK).sub(_sub_slack, text)
    if "hooks.slack.com" in text:
        text = _pattern(_P_SLACK_WEBHOOK).sub("[REDACTED:slack-token]", text)
    if "eyJ" in text:
        text = _pattern(_P_JWT).sub(_sub_jwt, text)
    if has_dash and _at_word_start(text, "sk-"):
        text = _pattern(_P_API_KEY).sub(_sub_api_key, text)
    if has_underscore and ("k_live_" in text or "k_test_" in text):
        text = _pattern(_P_API_KEY_STRIPE).sub(_sub_api_key, text)
    for trigger in _AWS_ACCESS_TRIGGERS:
        if trigger in text:
            text = _pattern(_P_AWS_ACCESS).sub("[REDACTED:aws-access-key]", text)
            break
    return text


def redact(text: str) -> str:
    """Return text with high-confidence secrets replaced by '[REDACTED:<kind>]'.

    The kinds are listed in :data:`KINDS` and described in the module docstring. Everything
    around a secret is preserved exactly; for ``url-password`` the scheme, user and host
    are kept. Text without secrets is returned unchanged (the same object). The result is
    a fixed point: ``redact(redact(text)) == redact(text)``.

    Args:
        text: any string, e.g. a note, a command line or a tool's output.

    Returns:
        The redacted string.
    """
    result = _one_pass(text)
    if result is text or result == text:
        return text
    # Something was redacted: repeat until nothing changes, so that a replacement that
    # exposes a new boundary can never make a second call redact more.
    for _ in range(_MAX_PASSES):
        again = _one_pass(result)
        if again == result:
            break
        result = again
    return result


def redact_value(value: object) -> object:
    """Recursively redact every str inside dicts/lists/tuples (keys untouched); other values returned as they are.

    Dicts come back as plain ``dict``, lists as ``list`` and tuples as ``tuple``; any other
    value (numbers, ``None``, bools, bytes, ...) is returned as the same object.

    Args:
        value: a JSON-like value, e.g. an event payload.

    Returns:
        The value with every string redacted by :func:`redact`.
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, tuple):
        return tuple(redact_value(item) for item in value)
    return value
