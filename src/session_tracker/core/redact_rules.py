"""The rule table of :mod:`session_tracker.redact`: one row per secret shape.

Each row is ``(kind, keywords, source, group, check)``:

``kind``
    the name shown in the ``[REDACTED:<kind>]`` marker.
``keywords``
    substrings of which at least one must occur in the text before the regex runs (the
    prefilter, in the manner of gitleaks' ``keywords``). A keyword written in lower case is
    looked up in the lower-cased text (case-insensitive); any other keyword is looked up as
    written; a keyword starting with ``^`` must occur at a word start (not after a letter,
    digit or ``_``).
``source``
    the regex (compiled with ``re.ASCII``, on first use).
``group``
    0 replaces the whole match; n > 0 replaces only group n (the context is kept: a key name,
    a user name, a header).
``check``
    the name of a test the matched secret must pass (see ``redact._CHECKS``), or "" for none.
    Checks keep prose out: a prefix followed by a word is not a token.

The shapes were learnt from the public rule sets of gitleaks (``config/gitleaks.toml``),
detect-secrets (its plugins) and trufflehog (its detectors) and from the vendors' token
documentation; the expressions are our own. Order matters: context-anchored rules come first
(a token used as a URL password counts as ``url-password``), the generic assignment rules last,
so they see the markers of the specific rules and leave them alone.
"""

Rule = tuple[str, tuple[str, ...], str, int, str]

# Boundaries: a token must not be glued to a preceding or following word character.
_B = r"(?<![A-Za-z0-9_])"
_E = r"(?![A-Za-z0-9_])"
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

# Assignments: the regex finds any ``NAME = VALUE`` (cheap to compile and to run); the check
# decides by the name (see redact._name_tier): names ending in these hold a secret whatever
# the value looks like (unless it is a placeholder): ``DB_PASSWORD``, ``apiKey``, ``GITHUB_TOKEN``.
STRONG_SUFFIXES = (
    "password", "passwd", "passphrase", "secret", "token", "credential", "credentials", "apikey", "_auth",
    "secretkey", "privatekey", "accesskey", "authkey", "encryptionkey", "signingkey", "masterkey",
    "clientkey", "accountkey", "appkey", "sessionkey", "sharedaccesskey", "licensekey", "webhookkey",
)
# ... and these only when the value also looks random (``STRIPE_KEY``, ``auth``).
WEAK_SUFFIXES = ("key", "auth", "dsn")
# Command-line flags (``--password X``, ``--token=X``) whose value is a secret.
SECRET_FLAGS = frozenset((
    "password", "passwd", "pass", "passphrase", "token", "secret", "api-key", "apikey", "api-token",
    "access-token", "auth-token", "client-secret", "private-token", "secret-key", "access-key",
    "secret-access-key", "bearer-token", "refresh-token", "id-token", "session-token",
))
_SEP = r"[\"']?[ \t]*(?::=|=>|=(?!=)|:(?![:/]))[ \t]*"
_VALUE = r"(\"[^\"\n]{1,300}\"|'[^'\n]{1,300}'|`[^`\n]{1,300}`|(?:[^\s\"'`,;&|<>)\]}\\]|\\(?![nrt\"'])){1,300})"

RULES: tuple[Rule, ...] = (
    # --- whole blocks and context-anchored secrets
    ("private-key", ("-----begin",),
     (r"-----BEGIN[ A-Z0-9_\-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?"
     r"(?:-----END[ A-Z0-9_\-]{0,100}PRIVATE KEY(?: BLOCK)?-----|\Z)"), 0, ""),
    ("aws-secret-key", ("ecret",),
     (r"(?:[Ss]ecret|SECRET)"
     r"(?:[_.\-]?(?:access|Access|ACCESS)|(?<=[Aa][Ww][Ss]......)|(?<=[Aa][Ww][Ss][_.\-]......))"
     r"[_.\-]?(?:key|Key|KEY)[\"']?(?:\s*(?::=|=>|=|:)\s*|\s+)[\"']?"
     r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"), 1, ""),
    ("url-password", ("@",),
     r"://(?<=[A-Za-z0-9+.\-]://)[^\s:/?#\[\]\"'<>`]*:([^\s/?#\"'<>`]+)@(?=[A-Za-z0-9\[])", 1, "notmarker"),
    ("authorization", ("authorization",),
     (r"(?i:authorization)[\"']?[ \t]*[:=][ \t]*[\"']?"
     r"(?:(?i:bearer|basic|token|digest|bot|apikey|key|sswss?|negotiate|ntlm)[ \t]+)?"
     r"([A-Za-z0-9._~+/=\-]{8,})"), 1, "mixed8"),
    ("bearer-token", ("bearer",), r"(?i:bearer)[ \t]+([A-Za-z0-9._~+/\-]{8,}=*)", 1, "mixed8"),
    ("basic-auth", ("basic",), r"(?i:basic)[ \t]+([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])", 1, "basic"),
    ("curl-user", ("-u", "--user"),
     r"(?<![\w\-])(?:-u|--user|--proxy-user)(?:[ \t]+|=)([\"']?)[^\s:\"'`\[\]]+:([^\s\"'`\[\]]+)\1", 2, "userpass"),
    ("mysql-password", ("mysql", "mariadb"),
     (r"\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mariadb)\b[^\n;|&]*?[ \t]-p"
     r"(\"[^\"\n]+\"|'[^'\n]+'|[^\s\"'`][^\s`]*)"), 1, "userpass"),
    ("sshpass-password", ("sshpass",), r"\bsshpass[ \t]+-p[ \t]*(\"[^\"\n]+\"|'[^'\n]+'|[^\s`]+)", 1, "userpass"),
    # --- vendor tokens with a distinctive prefix
    ("github-token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
     r"gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}", 0, "github"),
    ("gitlab-token", ("glpat-", "glptt-", "gldt-", "glrt-", "glft-", "glsoat-", "glcbt-", "gloas-",
                      "glagent-", "glimt-", "glffct-", "glwt-", "GR1348941", "_gitlab_session="),
     (r"(?:glpat|glptt|gldt|glrt|glft|glsoat|glcbt|gloas|glagent|glimt|glffct|glwt)-[0-9A-Za-z_\-]{20,}"
     r"(?:\.[0-9a-z]{9}(?![A-Za-z0-9]))?|GR1348941[0-9A-Za-z_\-]{20,}|_gitlab_session=[0-9a-z]{32}"), 0, "mixedbody"),
    ("slack-token", ("xox", "xapp-"),
     r"xoxe\.xox[bp]-\d-[A-Za-z0-9]{20,}|xox[abposre]-[A-Za-z0-9\-]{10,}|xapp-\d-[A-Za-z0-9]+-\d+-[A-Za-z0-9]+", 0, "mixedbody"),
    ("slack-token", ("hooks.slack.com",),
     r"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\-]{20,}", 0, ""),
    ("api-key", ("^sk-", "^sk_", "^rk_", "whsec_", "xai-", "gsk_", "pplx-", "r8_", "T3BlbkFJ"),
     (r"(?<![A-Za-z0-9_])(?:sk-(?:proj-|ant-|svcacct-|admin-|live_|or-v1-)?|[sr]k_(?:live|test|prod)_|whsec_"
     r"|xai-|gsk_|pplx-|r8_)[A-Za-z0-9_\-]{20,}"), 0, "apikey"),
    ("jwt", ("eyJ",),
     (r"eyJ[A-Za-z0-9_\-]{12,}\.eyJ[A-Za-z0-9_\-]{5,}\.(?:[A-Za-z0-9_\-]{16,}|(?![A-Za-z0-9_\-]))"
     r"|(?<![A-Za-z0-9])eyJrIjoi[A-Za-z0-9]{40,}={0,2}"), 0, "jwt"),
    ("aws-access-key", ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA", "A3T", "ABIA", "ACCA"),
     _B + r"(?:A3T[A-Z0-9]|AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}" + _E, 0, ""),
    ("google-api-key", ("AIza",), _B + r"AIza[0-9A-Za-z_\-]{35}(?![A-Za-z0-9_\-])", 0, ""),
    ("google-oauth", ("GOCSPX-", "ya29.", "1//0"),
     r"GOCSPX-[0-9A-Za-z_\-]{24,}|" + _B + r"ya29\.[0-9A-Za-z_\-]{20,}|" + _B + r"1//0[0-9A-Za-z_\-]{30,}", 0, ""),
    ("azure-key", ("Key=", "sig=", "Signature=", "Q~"),
     (r"(?:AccountKey|SharedAccessKey|SharedSecretValue|AccessKey|PrimaryKey|SecondaryKey)=([A-Za-z0-9+/]{30,}={0,2})"
     r"|(?<=[?&;])sig=([A-Za-z0-9%+/=]{30,})"
     r"|SharedAccessSignature=([^\s;\"']{20,})"
     r"|(?<![A-Za-z0-9_~.])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}"), 0, "azure"),
    ("npm-token", ("npm_",), _B + r"npm_[A-Za-z0-9]{36}" + _E, 0, ""),
    ("pypi-token", ("pypi-Ag",), r"pypi-Ag[A-Za-z0-9_\-]{50,}", 0, ""),
    ("sendgrid-key", ("SG.",), _B + r"SG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{30,50}", 0, ""),
    ("twilio-key", ("SK", "AC"), _B + r"(?:SK|AC)[0-9a-f]{32}" + _E, 0, "hexmix"),
    ("mailgun-key", ("key-",), r"(?<![A-Za-z0-9_\-])key-[0-9a-f]{32}" + _E, 0, "hexmix"),
    ("mailgun-key", ("mailgun",), r"(?i:mailgun)[\w.\-]*" + _SEP + r"[\"']?([0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})", 1, ""),
    ("huggingface-token", ("hf_", "api_org_"), _B + r"(?:hf_|api_org_)[A-Za-z0-9]{30,40}" + _E, 0, "mixedbody"),
    ("digitalocean-token", ("_v1_",), _B + r"do[opr]_v1_[a-f0-9]{64}" + _E, 0, ""),
    ("vault-token", ("hvs.", "hvb.", "hvr."), _B + r"hv[sbr]\.[A-Za-z0-9_\-]{24,}", 0, "mixedbody"),
    ("heroku-key", ("HRKU-",), _B + r"HRKU-[A-Za-z0-9_\-]{20,}", 0, ""),
    ("heroku-key", ("heroku",), r"(?i:heroku)[\w.\-]*" + _SEP + r"[\"']?(" + _UUID + r")", 1, ""),
    ("token", ("shpat_", "shpca_", "shppa_", "shpss_"), r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}", 0, ""),
    ("token", ("lin_api_",), r"lin_api_[A-Za-z0-9]{40}", 0, ""),
    ("token", ("PMAK-",), r"PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}", 0, ""),
    ("token", ("dp.",), r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}", 0, ""),
    ("token", ("dapi",), _B + r"dapi[a-f0-9]{32}(?:-\d)?" + _E, 0, "hexmix"),
    ("token", ("pul-",), _B + r"pul-[a-f0-9]{40}" + _E, 0, ""),
    ("token", ("pnu_",), _B + r"pnu_[A-Za-z0-9]{36}" + _E, 0, ""),
    ("token", ("rubygems_",), r"rubygems_[a-f0-9]{48}", 0, ""),
    ("token", ("sntrys_", "sntryu_"), r"sntry[su]_[A-Za-z0-9+/=_]{40,}", 0, ""),
    ("token", ("glc_", "glsa_"), _B + r"(?:glc_[A-Za-z0-9+/]{32,}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})", 0, ""),
    ("token", ("ATATT3", "ATBB"), r"ATATT3[A-Za-z0-9_=\-]{100,}|" + _B + r"ATBB[A-Za-z0-9_=.\-]{32,}", 0, ""),
    ("token", ("AGE-SECRET-KEY-1",), r"AGE-SECRET-KEY-1[0-9A-Z]{58}", 0, ""),
    ("token", ("dt0c01.",), r"dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}", 0, ""),
    ("token", ("sq0atp-", "sq0csp-", "EAAA"), r"sq0(?:atp|csp)-[\w\-]{22,60}|" + _B + r"EAAA[\w\-]{60,}", 0, ""),
    ("token", ("sk.eyJ", "pk.eyJ"), r"[sp]k\.eyJ[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{10,}", 0, ""),
    ("token", (":AA",), r"(?<![0-9])[0-9]{6,12}:AA[A-Za-z0-9_\-]{31,35}" + _E, 0, ""),
    ("token", ("discord",),
     r"(?:discord(?:app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_\-]{40,})"
     r"|" + _B + r"[MNO][A-Za-z0-9_\-]{23,27}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,40}", 0, ""),
    ("token", ("webhook.office.com",), r"[a-z0-9\-]+\.webhook\.office\.com/webhookb2/[^\s\"'<>]+", 0, ""),
    ("token", ("NRAK-", "NRII-", "NRJS-"), r"NR(?:AK|II|JS)-[A-Za-z0-9\-]{19,32}", 0, ""),
    ("token", ("ops_eyJ",), r"ops_eyJ[A-Za-z0-9+/]{100,}={0,3}", 0, ""),
    ("token", ("pscale_",), r"pscale_(?:tkn|oauth|pw)_[\w=.\-]{32,64}", 0, ""),
    ("token", ("fo1_", "fm1", "fm2_"), _B + r"(?:fo1_[\w\-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{60,}={0,3})", 0, ""),
    ("token", (".atlasv1.",), r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70}", 0, ""),
    ("token", ("LTAI",), _B + r"LTAI[A-Za-z0-9]{20}" + _E, 0, ""),
    ("token", ("tskey-",), r"tskey-[a-z]+-[A-Za-z0-9]{6,}-[A-Za-z0-9]{20,}", 0, ""),
    ("token", ("sbp_",), _B + r"sbp_[a-f0-9]{40}" + _E, 0, ""),
    ("token", ("ntn_", "secret_"), _B + r"(?:ntn_|secret_)[A-Za-z0-9]{40,50}" + _E, 0, "mixedbody"),
    ("token", ("dckr_pat_",), r"dckr_pat_[A-Za-z0-9_\-]{20,}", 0, ""),
    ("token", ("AKCp",), _B + r"AKCp[A-Za-z0-9]{60,}", 0, ""),
    ("token", ("CFPAT-",), r"CFPAT-[\w\-]{43}", 0, ""),
    ("token", ("bkua_",), r"bkua_[a-f0-9]{40}", 0, ""),
    ("token", ("CCIPAT_",), r"CCIPAT_[\w]{40,}", 0, ""),
    ("token", ("figd_",), r"figd_[\w\-]{40,}", 0, ""),
    ("token", ("sgp_",), r"sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}", 0, ""),
    ("token", ("tfp_",), r"tfp_[\w.=\-]{59}", 0, ""),
    ("token", ("xkeysib-",), r"xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}", 0, ""),
    ("token", ("-us",), _B + r"[0-9a-f]{32}-us[0-9]{1,2}" + _E, 0, "hexmix"),
    ("token", ("EZAK", "EZTK"), r"EZ[AT]K[A-Za-z0-9]{54}", 0, ""),
    ("token", ("duffel_",), r"duffel_(?:test|live)_[\w=\-]{43}", 0, ""),
    ("token", ("FLWSECK", "FLWPUBK"), r"FLW(?:SECK|PUBK)(?:_TEST)?-[a-hA-H0-9]{12,32}(?:-X)?", 0, ""),
    ("token", ("rdme_",), r"rdme_[a-z0-9]{70}", 0, ""),
    ("token", ("tk-us-",), r"tk-us-[\w\-]{48}", 0, ""),
    ("token", ("ico-",), _B + r"ico-[A-Za-z0-9]{32}" + _E, 0, ""),
    ("token", ("sha256~",), r"sha256~[\w\-]{43}", 0, ""),
    ("token", ("shippo_",), r"shippo_(?:live|test)_[a-fA-F0-9]{40}", 0, ""),
    ("token", ("CLOJARS_",), r"CLOJARS_[a-z0-9]{60}", 0, ""),
    ("token", ("fio-u-",), r"fio-u-[\w=\-]{64}", 0, ""),
    ("token", ("pat.", "sat."), _B + r"[ps]at\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}", 0, ""),
    ("token", ("_mmk",), _B + r"[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk" + _E, 0, ""),
    ("token", ("v1.0-",), r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}", 0, ""),
    ("token", ("lsv2_",), r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}", 0, ""),
    ("token", ("EAA",), _B + r"EAA[A-Za-z0-9]{80,}", 0, ""),
    ("token", ("AAAAAAAAAAAAAAAAAAAAAA",), r"A{22}[A-Za-z0-9%]{60,}", 0, ""),
    ("token", ("sl.",), _B + r"sl\.[A-Za-z0-9_\-]{120,}", 0, ""),
    ("token", ("APA91b",), r"(?:AAAA[A-Za-z0-9_\-]{7}:)?APA91b[A-Za-z0-9_\-]{60,}", 0, ""),
    ("token", ("pat",), _B + r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}" + _E, 0, ""),
    ("token", ("NRAL",), _B + r"[a-f0-9]{36}NRAL" + _E, 0, ""),
    ("token", ("access_token$",), r"access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}", 0, ""),
    ("token", ("rnd_", "napi_", "pcsk_", "oy2", "cio"),
     _B + r"(?:rnd_[A-Za-z0-9]{32}|napi_[a-z0-9]{64}|pcsk_[A-Za-z0-9_]{50,}|oy2[a-z0-9]{43}|cio[A-Za-z0-9]{32})" + _E, 0, "mixedbody"),
    ("netrc-password", ("machine", "login"), r"\blogin[ \t]+\S+[ \t]+password[ \t]+(\S+)", 1, "plain"),
    ("cli-password", ("redis-cli", "docker", "podman", "helm"),
     (r"\b(?:redis-cli\b[^\n;|&]*?[ \t]-a|(?:docker|podman|helm(?:[ \t]+registry)?)[ \t]+login\b[^\n;|&]*?[ \t]-p)[ \t]+"
     r"(\"[^\"\n]+\"|'[^'\n]+'|[^\s\"'`]+)"), 1, "userpass"),
    # --- command-line flags and assignments (last: they skip values already redacted)
    ("secret", ("pass", "pwd", "secret", "token", "key", "auth", "cred"),
     r"(?<![\w\-])--?([A-Za-z][A-Za-z\-]{2,30})(?:=|[ \t]+)(?!-)" + _VALUE, 2, "flag"),
    ("secret", ("pass", "pwd", "secret", "token", "key", "auth", "cred", "dsn", "pat"),
     r"(?<![A-Za-z0-9_.\-])[\"']?([A-Za-z_][A-Za-z0-9_.\-]{0,80})" + _SEP + _VALUE, 2, "assignment"),
)
"""Every rule, in the order they are applied (see the module docstring)."""

KINDS: tuple[str, ...] = tuple(dict.fromkeys(rule[0] for rule in RULES))
"""Every kind name that can appear in a ``[REDACTED:<kind>]`` marker (user patterns add ``custom``)."""
