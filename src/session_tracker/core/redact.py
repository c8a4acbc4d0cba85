"""Redaction of secrets before any text reaches the event log or a document.

Every string that session-tracker writes to disk passes through :func:`redact` (or
:func:`redact_value` for whole event payloads, keys included). A match is replaced by
``[REDACTED:<kind>]``; where a rule names a context (a key name, a URL's user and host, an
``Authorization`` header, ``curl -u user:``) only the secret part is replaced.

The rules are a table (:data:`session_tracker.core.redact_rules.RULES`) in the manner of gitleaks:
each row has keywords that must occur in the text before its regex runs, so text without any
keyword costs a few substring scans and compiles nothing. Families covered: private key blocks;
AWS (access key ids, secret keys after their name); URL passwords; ``Authorization`` headers
(Bearer, Basic, token), ``curl -u``/``--user``, ``mysql -p…``, ``sshpass -p``; GitHub (every
prefix and fine-grained), GitLab (PAT, pipeline trigger, runner, deploy, feed, SCIM, CI job,
OAuth, agent and mail tokens, runner registration tokens), Slack (bot, user, app, config tokens
and webhooks), OpenAI / Anthropic / xAI / Groq style keys, Stripe, JWTs, Google API keys, GCP
OAuth client secrets and tokens, Azure storage/service-bus keys, SAS signatures and AD client
secrets, npm, PyPI, SendGrid, Twilio, Mailgun, Hugging Face, DigitalOcean, Vault, Heroku,
Shopify, Linear, Postman, Doppler, Databricks, Sentry, Grafana, Atlassian, Discord, Telegram,
Teams webhooks, New Relic, 1Password, PlanetScale, Fly.io, Terraform Cloud, Tailscale, Docker Hub
and more; and assignments (``.env`` lines, YAML, JSON, command-line flags) whose name says it
holds a secret (``PASSWORD=…``, ``SECRET_KEY=…``, ``API_TOKEN=…``, ``--token …``).

Only confident shapes are recognised, because a false positive destroys part of a user's note:
git SHAs, ULIDs, UUIDs, base64 prose, file paths and version strings are left alone, prefixes
followed by ordinary words (``sk-learn``, ``xoxb-style``) too, and an assignment's value is
kept when it is a placeholder (``$VAR``, ``${VAR}``, ``<token>``, ``***``, ``your_key_here``,
``os.environ[...]``, ``true``...).

Users add their own patterns (``[redact] patterns = ["ACME-[0-9]{8}"]`` in config), replaced
by ``[REDACTED:custom]``; see :func:`set_user_patterns`.

Redaction is idempotent: ``redact(redact(x)) == redact(x)``; the markers themselves never match.
The module imports only :mod:`re` (and :mod:`binascii`, a builtin, inside one check).
"""

import re

from session_tracker.core.redact_checks import CHECKS, name_tier, placeholder
from session_tracker.core.redact_rules import KINDS as _RULE_KINDS
from session_tracker.core.redact_rules import RULES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

KINDS: tuple[str, ...] = (*_RULE_KINDS, "custom")
"""Every kind name that can appear in a ``[REDACTED:<kind>]`` marker."""

_MARK = "[REDACTED:"
_MAX_PASSES = 3
_COMPILED: list["re.Pattern[str] | None"] = [None] * len(RULES)
# Every keyword once, with its rule's index: looked up in the lower-cased text (keywords in
# lower case with letters), as written (the others), or at a word start (written "^kw").
_LOWER_KEYS: list[tuple[str, int]] = []
_EXACT_KEYS: list[tuple[str, int]] = []
_START_KEYS: list[tuple[str, int]] = []
for _index, _rule in enumerate(RULES):
    for _key in _rule[1]:
        if _key[0] == "^":
            _START_KEYS.append((_key[1:], _index))
        elif _key == _key.lower() and _key != _key.upper():
            _LOWER_KEYS.append((_key, _index))
        else:
            _EXACT_KEYS.append((_key, _index))
_USER: list["re.Pattern[str]"] = []
_ENABLED = [True]  # config [redact] enabled, as applied by configure()

def _pattern(index: int) -> "re.Pattern[str]":
    """The compiled regex of rule ``index``, compiled and cached on first use."""
    compiled = _COMPILED[index]
    if compiled is None:
        compiled = re.compile(RULES[index][2], re.ASCII)
        _COMPILED[index] = compiled
    return compiled




def _replacer(kind: str, group: int, check: str) -> "Callable[[re.Match[str]], str]":
    test = CHECKS[check]
    marker = _MARK + kind + "]"

    def replace(m: "re.Match[str]") -> str:
        index = group
        if group and m.group(group) is None:  # an alternative without that group
            index = next((i for i in range(1, (m.re.groups or 0) + 1) if m.group(i) is not None), 0)
        secret = m.group(index)
        if secret.startswith(_MARK) or (test is not None and not test(m, secret)):
            return m.group()
        start, end = m.start(index) - m.start(), m.end(index) - m.start()
        whole = m.group()
        inner = marker
        if index and len(secret) >= 2 and secret[0] == secret[-1] and secret[0] in "\"'`":
            inner = secret[0] + marker + secret[0]
        return whole[:start] + inner + whole[end:]

    return replace


_REPLACERS = [_replacer(rule[0], rule[3], rule[4]) for rule in RULES]
# Characters one of which a rule's match cannot do without (checked after the keywords).
_NEEDS = [{"assignment": "=:", "flag": "-", "userpass": "-:", "value": "=:"}.get(rule[4], "") for rule in RULES]


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
    """Apply every rule whose keyword prefilter passes, in table order."""
    hits = {index for key, index in _EXACT_KEYS if key in text}
    low = text.lower()
    hits.update(index for key, index in _LOWER_KEYS if key in low)
    hits.update(index for key, index in _START_KEYS if key in text and _at_word_start(text, key))
    for index in sorted(hits):
        need = _NEEDS[index]
        if need and not any(c in text for c in need):
            continue  # e.g. an assignment needs "=" or ":": skip compiling its regex
        text = _pattern(index).sub(_REPLACERS[index], text)
    for pattern in _USER:
        text = pattern.sub(_MARK + "custom]", text)
    return text


def redact(text: str) -> str:
    """Return text with secrets replaced by ``[REDACTED:<kind>]``.

    The kinds are listed in :data:`KINDS` and described in the module docstring. Everything
    around a secret is preserved exactly. Text without secrets is returned unchanged (the same
    object). The result is a fixed point: ``redact(redact(text)) == redact(text)``.

    Args:
        text: any string, e.g. a note, a command line, a path or a tool's output.

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
    """Recursively redact every str inside dicts/lists/tuples, dict keys included.

    A dict entry whose key names a secret (``password``, ``api_token``...) and whose value is a
    string that is not a placeholder has its whole value replaced by ``[REDACTED:secret]``.
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
        out: dict[object, object] = {}
        for key, item in value.items():
            if isinstance(key, str):
                if isinstance(item, str) and len(item) >= 3 and name_tier(key) == 2 and not placeholder(item):
                    out[redact(key)] = _MARK + "secret]"
                    continue
                key = redact(key)
            out[key] = redact_value(item)
        return out
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, tuple):
        return tuple(redact_value(item) for item in value)
    return value


def configure(enabled: bool, patterns: "list[str] | tuple[str, ...]" = ()) -> None:
    """Apply the config's ``[redact]`` table: whether :func:`clip` redacts, and the user's
    patterns (see :func:`set_user_patterns`). Called by ``config.load``.

    Raises:
        ValueError: as :func:`set_user_patterns`.
    """
    set_user_patterns(list(patterns))
    _ENABLED[0] = enabled


def clip(text: str, limit: int) -> str:
    """``text`` redacted (unless redaction is switched off), then cut to ``limit`` characters.

    Redacting first means a secret that straddles the cut can never survive as a fragment.
    """
    if _ENABLED[0]:
        text = redact(text)
    return text if len(text) <= limit else text[:limit]


def set_user_patterns(patterns: list[str]) -> None:
    """Install the user's own patterns (config ``[redact] patterns``), replacing earlier ones.

    Each match of a pattern is replaced by ``[REDACTED:custom]`` after the built-in rules.

    Raises:
        ValueError: a pattern is not a valid regular expression, or matches the empty string
            (the message names the pattern).
    """
    compiled = []
    for source in patterns:
        try:
            pattern = re.compile(source)
        except re.error as exc:
            raise ValueError(f"{source!r} is not a valid regular expression ({exc})") from None
        if pattern.search(""):
            raise ValueError(f"{source!r} matches the empty string")
        compiled.append(pattern)
    _USER[:] = compiled
