"""Every ``KUNDPULS_*`` environment variable, declared once: its meaning and default.

``docs/configuration.md`` is written from :data:`SETTINGS` (``kundpuls reference --configuration --out
docs/configuration.md``), and a test fails when a variable that the code reads is missing here, when one
declared here is read nowhere, or when the page is not current. The values themselves are read and validated
in :mod:`kundpuls.config`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    meaning: str
    default: str
    group: str
    secret: bool = False


_CORE = "Core"
_LAKE = "Response lake"
_MAIL = "Invitations and mail"
_LIMITS = "Limits and privacy"
_OPERATIONS = "Operations: scheduled jobs, several servers, metrics"

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "KUNDPULS_DATA_DIR",
        "folder for the SQLite file, the lake, static files and the demo's key",
        "`./var`",
        _CORE,
    ),
    Setting(
        "KUNDPULS_DATABASE_URL",
        "`sqlite:///path` or `postgresql://user@host/db`",
        "SQLite in the data folder",
        _CORE,
    ),
    Setting(
        "KUNDPULS_SECRET_KEY",
        "Django's secret key (or `KUNDPULS_SECRET_KEY_FILE` naming a file that holds it)",
        "the data folder's `secret_key` (written by `kundpuls demo`); required otherwise unless debug",
        _CORE,
        secret=True,
    ),
    Setting("KUNDPULS_DEBUG", "`1` turns on debug pages (never in production)", "off", _CORE),
    Setting("KUNDPULS_DEMO", "`1` lets the demo accounts log in", "off", _CORE),
    Setting(
        "KUNDPULS_ALLOWED_HOSTS",
        "comma-separated host names the server answers",
        "`127.0.0.1,localhost` and the links' host",
        _CORE,
    ),
    Setting(
        "KUNDPULS_BASE_URL",
        "public address used in links, QR codes, posters and e-mails",
        "the address `kundpuls serve` last started on, else `http://127.0.0.1:8000`",
        _CORE,
    ),
    Setting("KUNDPULS_LANGUAGE", "language of the command line's texts (`sv` or `en`)", "`sv`", _CORE),
    Setting(
        "KUNDPULS_LAKE_DIR", "the Parquet response lake (a folder or an fsspec URI)", "`DATA_DIR/lake`", _LAKE
    ),
    Setting(
        "KUNDPULS_LAKE_SETTLE_SECONDS", "responses younger than this wait for the next sync", "`5`", _LAKE
    ),
    Setting(
        "KUNDPULS_LAKE_REFRESH_SECONDS",
        "how often each server worker syncs new responses into the lake in the background (0: never; "
        "pages only read)",
        "`30`",
        _LAKE,
    ),
    Setting(
        "KUNDPULS_CHART_FONTS", "fonts charts measure text with: `bundled` or `system`", "`bundled`", _LAKE
    ),
    Setting(
        "KUNDPULS_COMMENT_VECTORS",
        "the comment reader's vectors, shared by every process and kept across restarts (SQLite; a cache "
        "that holds a keyed hash of each comment and its vector, no text); the fitted comment model is kept "
        "in the same folder (`comment-model-<fingerprint>.pickle`, sealed with the secret key; "
        "`docs/comments.md` §3b)",
        "`DATA_DIR/cache/comment-vectors.sqlite3`",
        _LAKE,
    ),
    Setting(
        "KUNDPULS_SMTP_HOST", "SMTP server for invitations", "none: mail is printed on standard error", _MAIL
    ),
    Setting("KUNDPULS_SMTP_PORT", "its port", "`25`", _MAIL),
    Setting("KUNDPULS_SMTP_USER", "SMTP user name", "none", _MAIL),
    Setting(
        "KUNDPULS_SMTP_PASSWORD",
        "SMTP password (or `KUNDPULS_SMTP_PASSWORD_FILE`)",
        "none",
        _MAIL,
        secret=True,
    ),
    Setting("KUNDPULS_SMTP_USE_TLS", "STARTTLS on the SMTP connection", "off", _MAIL),
    Setting("KUNDPULS_MAIL_FROM", "sender address of invitations", "`kundpuls@localhost`", _MAIL),
    Setting("KUNDPULS_MAIL_RATE", "at most this many invitation mails per second", "`5`", _MAIL),
    Setting("KUNDPULS_BOUNCE_MAILDIR", "Maildir where bounces to the sender address arrive", "none", _MAIL),
    Setting(
        "KUNDPULS_ANONYMITY_THRESHOLD",
        "smallest group whose numbers are shown, for every survey: a survey uses the larger of this and its "
        "codebook's `anonymity_threshold` on every page, report, download, the API, goals and `analyze`",
        "`7`",
        _LIMITS,
    ),
    Setting(
        "KUNDPULS_CONTACT_RETENTION_DAYS",
        "days after a survey closes before invitation contact data are deleted",
        "`30`",
        _LIMITS,
    ),
    Setting(
        "KUNDPULS_CASE_CONTACT_RETENTION_DAYS",
        "days contact details outlive a closed follow-up case",
        "`30`",
        _LIMITS,
    ),
    Setting(
        "KUNDPULS_UNUSED_CONTACT_RETENTION_DAYS",
        "days the contact details of a response that opened no follow-up case are kept after it was stored "
        "(deleted by `kundpuls cases purge-contacts` once its follow-up was handled; 0: at the next run)",
        "`30`",
        _LIMITS,
    ),
    Setting(
        "KUNDPULS_RATE_LIMIT_POSTS",
        "answer pages sent per minute from one address (0: off)",
        "`120`",
        _LIMITS,
    ),
    Setting(
        "KUNDPULS_RATE_LIMIT_GETS",
        "respondent pages fetched per minute from one address (0: off)",
        "`600`",
        _LIMITS,
    ),
    Setting(
        "KUNDPULS_TRUSTED_PROXIES",
        "reverse proxies in front whose `X-Forwarded-For` counts (rate limits, login lockout)",
        "`0`",
        _LIMITS,
    ),
    Setting(
        "KUNDPULS_JOB_SYNC_SECONDS",
        "seconds between the worker's lake syncs (`kundpuls sync`; 0: off; else 10 s – 31 days)",
        "`300`",
        _OPERATIONS,
    ),
    Setting(
        "KUNDPULS_JOB_BOUNCES_SECONDS",
        "seconds between readings of returned mail (`kundpuls invitations bounces`; 0: off)",
        "`900`",
        _OPERATIONS,
    ),
    Setting(
        "KUNDPULS_JOB_OVERDUE_SECONDS",
        "seconds between overdue-case notices and interrupted follow-ups (`kundpuls cases overdue`; 0: off)",
        "`3600`",
        _OPERATIONS,
    ),
    Setting(
        "KUNDPULS_JOB_INVITATION_RETENTION_SECONDS",
        "seconds between deletions of invitation contact data (`kundpuls invitations retention`; 0: off)",
        "`86400`",
        _OPERATIONS,
    ),
    Setting(
        "KUNDPULS_JOB_CASE_CONTACTS_SECONDS",
        "seconds between deletions of case contact details (`kundpuls cases purge-contacts`; 0: off)",
        "`86400`",
        _OPERATIONS,
    ),
    Setting(
        "KUNDPULS_CACHE_URL",
        "a cache shared by every server process (`redis://host:6379/0`): rate limits, login throttling, "
        "results",
        "none: each process has its own",
        _OPERATIONS,
    ),
    Setting(
        "KUNDPULS_LOG_FORMAT",
        "`plain` or `json` (one JSON object a line: time, level, logger, message, request id)",
        "`plain`",
        _OPERATIONS,
    ),
    Setting(
        "KUNDPULS_METRICS_TOKEN",
        "bearer token (20–200 characters) that `/metrics` asks for; without it `/metrics` answers 404",
        "none: `/metrics` is off",
        _OPERATIONS,
        secret=True,
    ),
)

HEADER = """# Configuration

Kundpuls reads its settings from `KUNDPULS_*` environment variables, once per process
(`kundpuls.config`). A secret may instead come from a file named by the same variable with `_FILE`
appended (`KUNDPULS_SECRET_KEY_FILE`), as container secrets usually are. A bad value stops the start with a
message naming the variable and the value. This page is generated from `kundpuls.settings_reference`
(`kundpuls reference --configuration --out docs/configuration.md`); a test checks that it is current and that
every variable the code reads is listed.
"""


def configuration_markdown() -> str:
    """The configuration reference: one table per group, in declaration order."""
    lines = [HEADER]
    groups: list[str] = []
    for setting in SETTINGS:
        if setting.group not in groups:
            groups.append(setting.group)
    for group in groups:
        lines.append(f"## {group}\n")
        lines.append("| variable | meaning | default |\n|---|---|---|")
        for s in SETTINGS:
            if s.group == group:
                name = f"`{s.name}`" + (" (or `…_FILE`)" if s.secret else "")
                lines.append(f"| {name} | {s.meaning} | {s.default} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
