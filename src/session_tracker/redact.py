"""Redaction of secrets before any text reaches the event log or a document.

Every string that session-tracker writes to disk passes through :func:`redact` (or
:func:`redact_value` for whole event payloads, keys included). A match is replaced by
``[REDACTED:<kind>]``; where a rule names a context (a key name, a URL's user and host, an
``Authorization`` header, ``curl -u user:``) only the secret part is replaced.

The rules are a table (:data:`session_tracker.redact_rules.RULES`) in the manner of gitleaks:
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

from session_tracker.redact_rules import KINDS as _RULE_KINDS
from session_tracker.redact_rules import RULES, SECRET_FLAGS, STRONG_SUFFIXES, WEAK_SUFFIXES

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

_PLACEHOLDERS = frozenset((
    "true", "false", "null", "none", "nil", "undefined", "yes", "no", "on", "off", "required", "optional",
    "string", "str", "int", "bool", "boolean", "text", "any", "object", "password", "passwd", "secret",
    "token", "value", "key", "changeme", "change_me", "xxx", "redacted", "hidden", "example",
    "placeholder", "empty", "default", "env", "dummy", "fake", "test", "foo", "bar", "baz", "mask",
    "masked", "omitted", "unset",
    # code, not values: `x = await f()`, `key = new Key()`, `token = self.token`
    "await", "new", "function", "require", "import", "this", "self", "async", "yield", "lambda", "typeof",
    "void", "return", "input", "getpass", "os", "process", "config", "settings", "args", "kwargs",
    "options", "opts", "params", "props",
))
_PLACEHOLDER_PARTS = ("your_", "your-", "_here", "-here", "example", "placeholder", "changeme", "xxxx", "****", "...", "\u2026")
_WORDS = r"[a-z]+(?:[\-_][a-z]+)+"  # "proxy-handled", "not_set": words, not a secret
_CAMEL = r"[a-z]+(?:[A-Z][a-z]+)+"  # "apiKeyValue": an identifier in code
# Helper expressions, compiled on first use by re's own cache (plain text never needs them).
_RUN = r"[A-Za-z0-9]{16,}"
_DOTTED = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+"
_SNAKE = r"[A-Za-z][A-Za-z0-9]*(?:[_\-][A-Za-z][A-Za-z0-9]*)+"
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_RANDOM_CHARS = r"[A-Za-z0-9+/=_.~\-]{16,}"


def _pattern(index: int) -> "re.Pattern[str]":
    """The compiled regex of rule ``index``, compiled and cached on first use."""
    compiled = _COMPILED[index]
    if compiled is None:
        compiled = re.compile(RULES[index][2], re.ASCII)
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
    return any(c.isdigit() for c in s) and any(c.isupper() for c in s) and any(c.islower() for c in s)


def _random_run(s: str, strict: bool = False) -> bool:
    """Whether ``s`` has a 16+ run of ASCII letters/digits that looks random."""
    check = _strict if strict else _mixed
    return any(check(m.group()) for m in re.finditer(_RUN, s, re.ASCII))


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
        return value[1:-1]
    return value


def _placeholder(value: str) -> bool:
    """Whether an assigned value is a placeholder, a reference or code rather than a secret."""
    v = value.strip()
    low = v.lower()
    if not v or v.startswith(_MARK) or low in _PLACEHOLDERS:
        return True
    if v[0] in "$%<#*{[(@" or v.startswith(("/", "~/", "./", "../", "\\\\")):
        return True
    if any(part in low for part in _PLACEHOLDER_PARTS) or set(v) <= set("*x.-_X#"):
        return True
    if " " in v and all(word.isalpha() for word in v.split()):
        return True  # prose: "All tests pass"
    if v.endswith(("-", "_")) or re.fullmatch(_WORDS, v, re.ASCII) or re.fullmatch(_CAMEL, v, re.ASCII):
        return True  # a prefix ("sk-ant-"), words joined, or an identifier
    if "(" in v or "[" in v or "{{" in v or re.fullmatch(r"[A-Za-z_]\w*=[^=].*", v, re.ASCII):
        return True
    if re.fullmatch(_DOTTED, v, re.ASCII):
        return True
    return "_" in v and v.lower() == v and re.fullmatch(_SNAKE, v, re.ASCII) is not None


def _check_value(m: "re.Match[str]", secret: str) -> bool:
    """Strong names: any value that is not a placeholder; after an unquoted ':' (prose, YAML
    headers) it must also look like a secret (8+ characters with a digit or a symbol)."""
    inner = _unquote(secret)
    if len(inner) < 3 or _placeholder(inner):
        return False
    if inner.isdigit() and len(inner) < 6:
        return False
    before = m.group()[: m.start(m.re.groups) - m.start()].rstrip()  # the value is the last group
    if before.endswith(":") and inner == secret:
        return len(inner) >= 8 and any(not c.isalpha() for c in inner) and not inner.isdigit()
    return True


def _check_random(m: "re.Match[str]", secret: str) -> bool:
    """Weak names (``*_KEY``, ``auth``, ``dsn``): only a long value that looks random."""
    inner = _unquote(secret)
    if not re.fullmatch(_RANDOM_CHARS, inner, re.ASCII) or _placeholder(inner) or re.fullmatch(_UUID, inner, re.ASCII):
        return False
    return any(c.isdigit() for c in inner) and any(c.isalpha() for c in inner)


def _name_tier(name: str) -> int:
    """2 when a name says its value is a secret (``DB_PASSWORD``, ``apiKey``), 1 when it only
    may be (``STRIPE_KEY``, ``auth``: the value must look random), else 0."""
    low = name.lower().strip("\"'")
    squashed = low.replace("_", "").replace("-", "").replace(".", "")
    if low.endswith("_auth") or squashed.endswith(STRONG_SUFFIXES):
        return 0 if squashed.endswith(("tokens", "publickey", "pubkey")) else 2
    if low.endswith(("pass", "pwd", "pat")):
        stem = low[:-4] if low.endswith("pass") else low[:-3]
        if (stem == "" or stem[-1] in "_.-") and low not in ("oldpwd", "pwd"):
            return 2
    if squashed.endswith(WEAK_SUFFIXES) and not squashed.endswith(("publickey", "pubkey", "primarykey", "foreignkey", "sortkey", "partitionkey", "hashkey")):
        return 1
    return 0


def _check_assignment(m: "re.Match[str]", secret: str) -> bool:
    tier = _name_tier(m.group(1))
    if tier == 2:
        return _check_value(m, secret)
    return tier == 1 and _check_random(m, secret)


def _check_flag(m: "re.Match[str]", secret: str) -> bool:
    return m.group(1).lower() in SECRET_FLAGS and _check_value(m, secret)


def _check_mixed8(m: "re.Match[str]", secret: str) -> bool:
    if secret.startswith(_MARK) or _placeholder(secret):
        return False
    return any(c.isdigit() for c in secret) or (len(secret) >= 16 and _mixed(secret))


def _check_basic(m: "re.Match[str]", secret: str) -> bool:
    """``Basic <base64>`` outside a header: only when it decodes to ``user:password``."""
    import binascii

    try:
        decoded = binascii.a2b_base64(secret + "=" * (-len(secret) % 4))
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded and all(32 <= b < 127 for b in decoded)


def _check_userpass(m: "re.Match[str]", secret: str) -> bool:
    inner = _unquote(secret)
    return len(inner) >= 3 and any(c.isalnum() for c in inner) and not inner.isdigit() and not _placeholder(inner)


def _check_notmarker(m: "re.Match[str]", secret: str) -> bool:
    return not (secret.startswith(_MARK) and secret.endswith("]") and secret[10:-1] in KINDS)


def _body(token: str) -> str:
    for i, c in enumerate(token):
        if c in "-_.":
            return token[i + 1:]
    return token


# Prefixes specific enough that a 16+ run with a digit or mixed case suffices.
_DISTINCT = ("sk-proj-", "sk-ant-", "sk-svcacct-", "sk-admin-", "sk-live_", "sk-or-v1-", "sk_", "rk_",
             "whsec_", "xai-", "gsk_", "pplx-", "r8_")

_CHECKS: "dict[str, Callable[[re.Match[str], str], bool] | None]" = {
    "": None,
    "value": _check_value,
    "assignment": _check_assignment,
    "flag": _check_flag,
    "random": _check_random,
    "mixed8": _check_mixed8,
    "basic": _check_basic,
    "userpass": _check_userpass,
    "plain": _check_userpass,
    "notmarker": _check_notmarker,
    "mixedbody": lambda m, s: _mixed(_body(s)),
    "hexmix": lambda m, s: any(c.isdigit() for c in s[2:]) and any(c.isalpha() for c in s[4:]),
    "github": lambda m, s: not s.startswith("github_pat_") or _random_run(s[11:]),
    "apikey": lambda m, s: _random_run(s[3:], strict=not s.startswith(_DISTINCT)),
    "jwt": lambda m, s: _random_run(s),
    "azure": lambda m, s: "Q~" not in s or _mixed(s),
}


def _replacer(kind: str, group: int, check: str) -> "Callable[[re.Match[str]], str]":
    test = _CHECKS[check]
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
                if isinstance(item, str) and len(item) >= 3 and _name_tier(key) == 2 and not _placeholder(item):
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
