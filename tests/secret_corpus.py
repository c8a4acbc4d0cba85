"""Test data: a broad corpus of real secret formats (shared by the redaction tests).

Each example token is assembled at run time from its vendor's published shape (prefix, length,
alphabet) with a seeded pseudo-random body, so no secret-looking literal sits in this file.
The shapes follow the rule families of gitleaks, detect-secrets and trufflehog.
"""

from __future__ import annotations

import base64
import random
import string

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "_-"
_RNG = random.Random(1414)


def rnd(n: int, alphabet: str = ALNUM) -> str:
    """n pseudo-random characters of ``alphabet`` that contain at least one digit and both cases
    when the alphabet has them (real tokens almost always do)."""
    while True:
        s = "".join(_RNG.choice(alphabet) for _ in range(n))
        digits_ok = n < 8 or not any(c.isdigit() for c in alphabet) or any(c.isdigit() for c in s)
        cased = any(c.isupper() for c in alphabet) and any(c.islower() for c in alphabet)
        if digits_ok and (not cased or (any(c.isupper() for c in s) and any(c.islower() for c in s))):
            return s


def p(*parts: str) -> str:
    """Join parts (prefixes are split in the source so scanners do not flag this file)."""
    return "".join(parts)


AZURE_KEY = rnd(86, B64) + "=="
JWT = p("eyJ", rnd(30, URLSAFE), ".", "eyJ", rnd(40, URLSAFE), ".", rnd(43, URLSAFE))
PEM_BODY = "\n".join(rnd(64, B64) for _ in range(4))

# (family, text containing exactly one secret, the secret itself)
CORPUS: list[tuple[str, str]] = [
    ("aws access key id", p("AKIA", rnd(16, string.ascii_uppercase + string.digits))),
    ("aws sts key id", p("ASIA", rnd(16, string.ascii_uppercase + string.digits))),
    ("aws secret key", p("aws_secret_access_key = ", rnd(40, B64))),
    ("github pat classic", p("ghp", "_", rnd(36))),
    ("github oauth", p("gho", "_", rnd(36))),
    ("github user-to-server", p("ghu", "_", rnd(36))),
    ("github server-to-server", p("ghs", "_", rnd(36))),
    ("github refresh", p("ghr", "_", rnd(36))),
    ("github fine-grained", p("github", "_pat_", rnd(22), "_", rnd(59))),
    ("gitlab pat", p("glpat", "-", rnd(20, URLSAFE))),
    ("gitlab pipeline trigger", p("glptt", "-", rnd(40, HEX))),
    ("gitlab runner registration", p("GR1348941", rnd(20, URLSAFE))),
    ("gitlab runner auth", p("glrt", "-", rnd(20, URLSAFE))),
    ("gitlab deploy token", p("gldt", "-", rnd(20, URLSAFE))),
    ("gitlab feed token", p("glft", "-", rnd(20, URLSAFE))),
    ("gitlab ci job token", p("glcbt", "-", "64_", rnd(20, URLSAFE))),
    ("gitlab scim token", p("glsoat", "-", rnd(20, URLSAFE))),
    ("gitlab oauth secret", p("gloas", "-", rnd(64, URLSAFE))),
    ("slack bot", p("xoxb", "-", rnd(12, string.digits), "-", rnd(13, string.digits), "-", rnd(24))),
    ("slack user", p("xoxp", "-", rnd(12, string.digits), "-", rnd(12, string.digits), "-", rnd(13, string.digits), "-", rnd(32, HEX))),
    ("slack app", p("xapp", "-1-A", rnd(10, string.ascii_uppercase + string.digits), "-", rnd(13, string.digits), "-", rnd(64, HEX))),
    ("slack config", p("xoxe", ".xoxp-1-", rnd(163, string.ascii_uppercase + string.digits))),
    ("slack legacy workspace", p("xoxa", "-2-", rnd(30))),
    ("slack webhook", p("https://hooks", ".slack.com/services/T", rnd(8, string.ascii_uppercase + string.digits), "/B", rnd(8, string.ascii_uppercase + string.digits), "/", rnd(24))),
    ("slack workflow webhook", p("https://hooks", ".slack.com/workflows/T", rnd(8, string.ascii_uppercase), "/A", rnd(10), "/", rnd(18, string.digits), "/", rnd(24))),
    ("openai legacy", p("sk", "-", rnd(20), "T3Blbk", "FJ", rnd(20))),
    ("openai project", p("sk", "-proj-", rnd(58, URLSAFE), "T3Blbk", "FJ", rnd(58, URLSAFE))),
    ("anthropic", p("sk", "-ant-api03-", rnd(93, URLSAFE), "AA")),
    ("openrouter", p("sk", "-or-v1-", rnd(64, HEX))),
    ("groq", p("gsk", "_", rnd(52))),
    ("xai", p("xai", "-", rnd(80))),
    ("stripe live secret", p("sk", "_live_", rnd(24))),
    ("stripe test secret", p("sk", "_test_", rnd(99))),
    ("stripe restricted", p("rk", "_live_", rnd(24))),
    ("stripe webhook secret", p("whsec", "_", rnd(32))),
    ("jwt", JWT),
    ("rsa private key", p("-----BEGIN RSA ", "PRIVATE KEY-----\n", PEM_BODY, "\n-----END RSA ", "PRIVATE KEY-----")),
    ("openssh private key", p("-----BEGIN OPENSSH ", "PRIVATE KEY-----\n", PEM_BODY, "\n-----END OPENSSH ", "PRIVATE KEY-----")),
    ("pgp private key", p("-----BEGIN PGP ", "PRIVATE KEY BLOCK-----\n\n", PEM_BODY, "\n-----END PGP ", "PRIVATE KEY BLOCK-----")),
    ("gcp service account json", p('{"type": "service_account", "private_key": "-----BEGIN ', 'PRIVATE KEY-----\\n', rnd(64, B64), '\\n-----END ', 'PRIVATE KEY-----\\n"}')),
    ("google api key", p("AIza", rnd(35, URLSAFE))),
    ("gcp oauth client secret", p("GOCSPX", "-", rnd(28, URLSAFE))),
    ("google oauth access token", p("ya29", ".", rnd(120, URLSAFE))),
    ("google oauth refresh token", p("1//0", rnd(60, URLSAFE))),
    ("azure storage connection string", p("DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=", AZURE_KEY, ";EndpointSuffix=core.windows.net")),
    ("azure service bus", p("Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=", rnd(43, B64), "=")),
    ("azure sas url", p("https://acme.blob.core.windows.net/c/f.txt?sv=2021-08-06&se=2030-01-01&sp=r&sig=", rnd(43, ALNUM + "%"), "%3D")),
    ("azure ad client secret", p(rnd(3, ALNUM), "8Q", "~", rnd(34, ALNUM + "_~.-"))),
    ("npm token", p("npm", "_", rnd(36))),
    ("npmrc auth token", p("//registry.npmjs.org/:_authToken=", rnd(36, HEX + "-"))),
    ("pypi token", p("pypi", "-AgEIcHlwaS5vcmc", rnd(120, URLSAFE))),
    ("sendgrid", p("SG", ".", rnd(22, URLSAFE), ".", rnd(43, URLSAFE))),
    ("twilio api key", p("SK", rnd(32, HEX))),
    ("twilio account sid", p("AC", rnd(32, HEX))),
    ("twilio auth token", p("TWILIO_AUTH_TOKEN=", rnd(32, HEX))),
    ("mailgun private key", p("key", "-", rnd(32, HEX))),
    ("mailgun signing key", p("MAILGUN_SIGNING_KEY=", rnd(32, HEX), "-", rnd(8, HEX), "-", rnd(8, HEX))),
    ("hugging face", p("hf", "_", rnd(34, string.ascii_letters))),
    ("hugging face org", p("api", "_org_", rnd(34, string.ascii_letters))),
    ("digitalocean pat", p("dop", "_v1_", rnd(64, HEX))),
    ("digitalocean oauth", p("doo", "_v1_", rnd(64, HEX))),
    ("vault service token", p("hvs", ".", rnd(90, URLSAFE))),
    ("vault batch token", p("hvb", ".", rnd(140, URLSAFE))),
    ("heroku api key", p("HEROKU_API_KEY=", "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b")),
    ("heroku platform key", p("HRKU", "-AA", rnd(58, URLSAFE))),
    ("shopify", p("shpat", "_", rnd(32, HEX))),
    ("linear", p("lin", "_api_", rnd(40))),
    ("postman", p("PMAK", "-", rnd(24, HEX), "-", rnd(34, HEX))),
    ("doppler", p("dp", ".pt.", rnd(43))),
    ("databricks", p("dapi", rnd(32, HEX))),
    ("pulumi", p("pul", "-", rnd(40, HEX))),
    ("sentry user", p("sntryu", "_", rnd(64, HEX))),
    ("grafana cloud", p("glc", "_", rnd(40, B64))),
    ("grafana service account", p("glsa", "_", rnd(32), "_", rnd(8, HEX))),
    ("atlassian", p("ATATT3", rnd(186, URLSAFE))),
    ("age secret key", p("AGE-SECRET", "-KEY-1", rnd(58, string.ascii_uppercase + string.digits))),
    ("square", p("sq0atp", "-", rnd(22, URLSAFE))),
    ("telegram bot", p(rnd(10, string.digits), ":AA", rnd(33, URLSAFE))),
    ("discord webhook", p("https://discord.com/api/webhooks/", rnd(18, string.digits), "/", rnd(68, URLSAFE))),
    ("teams webhook", p("https://acme.webhook.office.com/webhookb2/", "a" * 8, "-1111-2222-3333-", "b" * 12, "@c/IncomingWebhook/", rnd(32, HEX), "/d")),
    ("new relic", p("NRAK", "-", rnd(27, string.ascii_uppercase + string.digits))),
    ("planetscale", p("pscale", "_tkn_", rnd(43))),
    ("tailscale", p("tskey", "-auth-", rnd(12), "-", rnd(30))),
    ("docker hub", p("dckr", "_pat_", rnd(27, URLSAFE))),
    ("mailchimp", p(rnd(32, HEX), "-us", "12")),
    ("alibaba", p("LTAI", rnd(20))),
    ("terraform cloud", p(rnd(14), ".atlas", "v1.", rnd(67, URLSAFE))),
    ("url password", p("postgres://app:", rnd(16), "@db.internal:5432/app")),
    ("url password redis", p("redis://:", rnd(12), "@cache:6379/0")),
    ("bearer header", p("Authorization: Bearer ", rnd(40, URLSAFE))),
    ("basic header", p("Authorization: Basic ", base64.b64encode(("deploy:" + rnd(12)).encode()).decode())),
    ("github token header", p("-H 'Authorization: token ", rnd(40, HEX), "'")),
    ("api key header", p('curl -H "X-Api-Key: ', rnd(32), '" https://api.example.com')),
    ("gitlab private-token header", p('curl --header "PRIVATE-TOKEN: ', rnd(20, URLSAFE), '" https://gitlab.example.com/api/v4/projects')),
    ("curl -u", p("curl -u deploy:", rnd(14), " https://api.example.com/v1")),
    ("curl --user quoted", p("curl --user 'admin:", rnd(10), "' https://x.example.com")),
    ("mysql -p", p("mysql -u root -p", rnd(12), " -h db app")),
    ("mysqldump -p", p("mysqldump -uadmin -p'", rnd(10), "' shop > dump.sql")),
    ("sshpass", p("sshpass -p ", rnd(10), " ssh root@host")),
    ("env password", p("PASSWORD=", rnd(14))),
    ("env db password", p("DB_PASSWORD=", rnd(8, string.ascii_lowercase))),
    ("env secret key", p("SECRET_KEY=django-insecure-", rnd(40, ALNUM + "!@#%^&*-_"))),
    ("env api token", p("API_TOKEN=", rnd(32))),
    ("env export quoted", p('export CLIENT_SECRET="', rnd(24), '"')),
    ("pgpassword", p("PGPASSWORD=", rnd(12), " psql -h db -U app")),
    ("yaml password", p("  password: ", rnd(12, ALNUM + "!#"))),
    ("json password", p('{"username": "svc", "password": "', rnd(12), '"}')),
    ("json api key", p('{"apiKey": "', rnd(32), '"}')),
    ("cli --password", p("docker login --username ci --password ", rnd(20))),
    ("cli --token=", p("vault login --token=", rnd(26))),
    ("python kwarg", p('connect(host="db", password="', rnd(12), '")')),
    ("query access_token", p("https://api.example.com/v1/me?access_token=", rnd(40), "&fields=id")),
    ("generic service key", p("DATADOG_API_KEY=", rnd(32, HEX))),
    ("weak name random", p("STRIPE_KEY=", rnd(40))),
    ("facebook page token", p("EAAC", rnd(120))),
    ("twitter bearer", p("A" * 22, rnd(80, ALNUM + "%"))),
    ("dropbox short-lived", p("sl", ".", rnd(135, URLSAFE))),
    ("firebase server key", p("AAAA", rnd(7, URLSAFE), ":APA91b", rnd(134, URLSAFE))),
    ("airtable pat", p("pat", rnd(14), ".", rnd(64, HEX))),
    ("new relic license", p(rnd(36, HEX), "NRAL")),
    ("braintree", p("access_token$production$", rnd(16, string.ascii_lowercase + string.digits), "$", rnd(32, HEX))),
    ("pinecone", p("pcsk", "_", rnd(60))),
    ("nuget", p("oy2", rnd(43, string.ascii_lowercase + string.digits))),
    ("netrc", p("machine api.example.com login deploy password ", rnd(16))),
    ("redis-cli -a", p("redis-cli -h cache -a ", rnd(16), " ping")),
    ("docker login -p", p("docker login -u ci -p ", rnd(20), " registry.example.com")),
    ("azure devops pat", p("AZURE_DEVOPS_PAT=", rnd(52, string.ascii_lowercase + "234567"))),
    ("jdbc password", p("jdbc:mysql://db:3306/shop?user=app&password=", rnd(12))),
    ("dotnet connection string", p("Server=db;Database=shop;User Id=sa;Password=", rnd(14), ";")),
    ("k8s secret data", p("data:\n  password: ", base64.b64encode(rnd(12).encode()).decode())),
]


def random_parts(text: str) -> list[str]:
    """The generated bodies inside text: 10-char windows of long runs that look random."""
    parts = []
    for word in text.replace("\n", " ").split():
        run = ""
        for c in word + " ":
            if c.isalnum():
                run += c
                continue
            if len(run) >= 12 and any(ch.isdigit() for ch in run) and any(ch.isalpha() for ch in run):
                parts.append(run[len(run) // 2 - 4: len(run) // 2 + 4])
            run = ""
    return parts


