"""The tests a matched secret must pass (the ``check`` column of
:data:`session_tracker.core.redact_rules.RULES`): they keep prose and code out, so a prefix
followed by a word, a placeholder (``$VAR``, ``<token>``, ``your_key_here``) or an identifier
(``apiKeyValue``, ``os.environ[...]``) is never taken for a secret.

Each check takes the match and the matched secret (the group to be replaced) and says whether
it is one. Imports only :mod:`re` (and :mod:`binascii`, a builtin, inside one check).
"""

import re

from session_tracker.core.redact_rules import KINDS as _RULE_KINDS
from session_tracker.core.redact_rules import SECRET_FLAGS, STRONG_SUFFIXES, WEAK_SUFFIXES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_MARK = "[REDACTED:"
KINDS = (*_RULE_KINDS, "custom")

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


def placeholder(value: str) -> bool:
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
    if len(inner) < 3 or placeholder(inner):
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
    if not re.fullmatch(_RANDOM_CHARS, inner, re.ASCII) or placeholder(inner) or re.fullmatch(_UUID, inner, re.ASCII):
        return False
    return any(c.isdigit() for c in inner) and any(c.isalpha() for c in inner)


def name_tier(name: str) -> int:
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
    tier = name_tier(m.group(1))
    if tier == 2:
        return _check_value(m, secret)
    return tier == 1 and _check_random(m, secret)


def _check_flag(m: "re.Match[str]", secret: str) -> bool:
    return m.group(1).lower() in SECRET_FLAGS and _check_value(m, secret)


def _check_mixed8(m: "re.Match[str]", secret: str) -> bool:
    if secret.startswith(_MARK) or placeholder(secret):
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
    return len(inner) >= 3 and any(c.isalnum() for c in inner) and not inner.isdigit() and not placeholder(inner)


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

CHECKS: "dict[str, Callable[[re.Match[str], str], bool] | None]" = {
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
