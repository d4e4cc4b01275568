"""Configuration from the environment, read once.

Every setting is a ``KUNDPULS_*`` environment variable; secrets may come from a file named by the same
variable with ``_FILE`` appended (``KUNDPULS_SECRET_KEY_FILE``), as container secrets usually are.

Every variable, its meaning and default are declared once in :mod:`kundpuls.settings_reference`, from
which ``docs/configuration.md`` is generated.

Two defaults live in files in the data folder, so that every process on it (the server, each CLI command)
agrees without extra environment:

* ``secret_key``: written by ``kundpuls demo`` (random, mode 600) and used only when neither
  ``KUNDPULS_SECRET_KEY`` nor ``KUNDPULS_SECRET_KEY_FILE`` is set (:func:`secret_key`). ``kundpuls check
  --deploy`` warns when a server would run on it: in production the key belongs outside the data folder,
  so that a copy of the data is not also a copy of the key.
* ``server_address``: the address ``kundpuls serve`` (and ``kundpuls demo``) was last started on, written
  at its start; links, QR codes and posters use it when ``KUNDPULS_BASE_URL`` is unset (:func:`base_url`),
  else ``http://127.0.0.1:8000``.

With debug off and no key anywhere, the start stops with :class:`~kundpuls.errors.ConfigurationError`;
there is never a built-in secret in production.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from kundpuls.errors import ConfigurationError

SECRET_KEY_FILE_NAME = "secret_key"
SERVER_ADDRESS_FILE_NAME = "server_address"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
SECRET_SOURCES = ("environment", "data_dir", "debug")
_DEBUG_SECRET = "insecure-debug-only-key-never-used-in-production"

_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nej", ""}


@dataclass(frozen=True)
class Config:
    """The settings of one Kundpuls process."""

    data_dir: Path
    database_url: str
    secret_key: str
    debug: bool
    demo: bool
    allowed_hosts: tuple[str, ...]
    lake_dir: Path
    base_url: str
    anonymity_threshold: int
    lake_settle_seconds: float = 5.0
    lake_refresh_seconds: int = 30
    # Invitations: outgoing mail and the retention of contact data (issue 4).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_use_tls: bool = False
    mail_from: str = "kundpuls@localhost"
    mail_rate: float = 5.0
    bounce_maildir: Path | None = None
    contact_retention_days: int = 30
    case_contact_retention_days: int = 30
    unused_contact_retention_days: int = 30
    # Rate limits on the public respondent pages, per client address and minute (0: no limit).
    rate_limit_posts: int = 120
    rate_limit_gets: int = 600
    trusted_proxies: int = 0
    # Where the secret key came from: one of SECRET_SOURCES (see secret_key()).
    secret_key_source: str = "environment"
    # Operations (issue 21): seconds between runs of each scheduled job (0: off), a shared cache, metrics.
    job_intervals: tuple[tuple[str, int], ...] = ()
    cache_url: str | None = None
    metrics_token: str | None = None
    log_format: str = "plain"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")


def _flag(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name}: expected 1/0, true/false or yes/no, got {raw!r}")


def _secret(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    file_name = env.get(f"{name}_FILE")
    if value and file_name:
        raise ConfigurationError(f"{name} and {name}_FILE are both set; set only one")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE: cannot read {file_name!r}: {exc.strerror}") from exc
    return value or None


def _number(env: Mapping[str, str], name: str, default: str, *, minimum: float) -> float:
    raw = env.get(name) or default
    try:
        value = float(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ConfigurationError(f"{name}: expected a number ≥ {minimum:g}, got {raw!r}")
    return value


def _whole(env: Mapping[str, str], name: str, default: str) -> int:
    raw = (env.get(name) or default).strip()
    if not raw.isdigit():
        raise ConfigurationError(f"{name}: expected a whole number ≥ 0, got {raw!r}")
    return int(raw)


JOB_INTERVALS: dict[str, tuple[str, int]] = {
    "sync": ("KUNDPULS_JOB_SYNC_SECONDS", 300),
    "bounces": ("KUNDPULS_JOB_BOUNCES_SECONDS", 900),
    "overdue": ("KUNDPULS_JOB_OVERDUE_SECONDS", 3600),
    "invitation-retention": ("KUNDPULS_JOB_INVITATION_RETENTION_SECONDS", 86400),
    "case-contacts": ("KUNDPULS_JOB_CASE_CONTACTS_SECONDS", 86400),
}
"""The scheduled jobs of ``kundpuls worker``: name → (variable, default seconds between runs)."""
MAX_JOB_INTERVAL = 31 * 86400


def job_intervals(env: Mapping[str, str]) -> tuple[tuple[str, int], ...]:
    """Seconds between runs of each job (0: off), each 0 or 10 s – 31 days."""
    intervals = []
    for job, (name, default) in JOB_INTERVALS.items():
        raw = (env.get(name) or str(default)).strip()
        value = int(raw) if raw.isdigit() else -1
        if value != 0 and not 10 <= value <= MAX_JOB_INTERVAL:
            raise ConfigurationError(
                f"{name}: expected 0 (off) or whole seconds from 10 to {MAX_JOB_INTERVAL}, got {raw!r}"
            )
        intervals.append((job, value))
    return tuple(intervals)


def cache_url(env: Mapping[str, str]) -> str | None:
    """``KUNDPULS_CACHE_URL``: a shared Redis cache (``redis://host:port/db``), None: each process's own."""
    raw = (env.get("KUNDPULS_CACHE_URL") or "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if (
        parts.scheme not in ("redis", "rediss", "unix")
        or len(raw) > 500
        or not (parts.hostname or parts.path)
    ):
        raise ConfigurationError(f"KUNDPULS_CACHE_URL: expected redis://host:port/db, got {raw!r}")
    return raw


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """``KUNDPULS_DATA_DIR`` (default ``./var``) as an absolute path."""
    env = os.environ if env is None else env
    return Path(env.get("KUNDPULS_DATA_DIR") or "var").expanduser().resolve()


def lake_dir(env: Mapping[str, str] | None = None) -> Path:
    """The response lake: ``KUNDPULS_LAKE_DIR``, default ``DATA_DIR/lake`` (needs no secret, no Django)."""
    env = os.environ if env is None else env
    return Path(env.get("KUNDPULS_LAKE_DIR") or data_dir(env) / "lake").expanduser().resolve()


def comment_vectors(env: Mapping[str, str] | None = None) -> Path:
    """The comment reader's vector store: ``KUNDPULS_COMMENT_VECTORS``, default
    ``DATA_DIR/cache/comment-vectors.sqlite3`` (a cache: deleting it costs only encoding again)."""
    env = os.environ if env is None else env
    default = data_dir(env) / "cache" / "comment-vectors.sqlite3"
    return Path(env.get("KUNDPULS_COMMENT_VECTORS") or default).expanduser().resolve()


def anonymity_threshold(env: Mapping[str, str] | None = None) -> int:
    """``KUNDPULS_ANONYMITY_THRESHOLD`` (default 7; needs no secret, no Django): the installation's floor.

    Each survey's results are shown with the larger of this and its codebook's own threshold
    (:func:`kundpuls.reports.anonymity.survey_thresholds`).
    """
    env = os.environ if env is None else env
    raw = env.get("KUNDPULS_ANONYMITY_THRESHOLD") or "7"
    try:
        threshold = int(raw)
    except ValueError:
        threshold = 0
    if threshold < 1:
        raise ConfigurationError(f"KUNDPULS_ANONYMITY_THRESHOLD: expected a whole number ≥ 1, got {raw!r}")
    return threshold


def secret_key(env: Mapping[str, str], folder: Path, *, debug: bool) -> tuple[str, str]:
    """The secret key and where it came from — the one place that decides it, for server and CLI alike.

    In order: ``KUNDPULS_SECRET_KEY`` or ``KUNDPULS_SECRET_KEY_FILE`` (``"environment"``); the data
    folder's ``secret_key`` that ``kundpuls demo`` writes (``"data_dir"``); with debug on, a fixed
    development key (``"debug"``). Anything else stops with a message that says how to set one.
    """
    key = _secret(env, "KUNDPULS_SECRET_KEY")
    if key is not None:
        return key, "environment"
    key_file = folder / SECRET_KEY_FILE_NAME
    if key_file.is_file():
        try:
            key = key_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(f"{key_file}: cannot read the secret key: {exc.strerror}") from exc
        if not key:
            raise ConfigurationError(f"{key_file}: the secret key file is empty; delete it or fill it")
        return key, "data_dir"
    if debug:
        return _DEBUG_SECRET, "debug"
    raise ConfigurationError(
        "KUNDPULS_SECRET_KEY (or KUNDPULS_SECRET_KEY_FILE) is not set, and the data folder "
        f"{str(folder)!r} has no {SECRET_KEY_FILE_NAME} (`kundpuls demo` writes one). Set it to a long "
        "random string, e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`; only "
        "KUNDPULS_DEBUG=1 runs without one."
    )


def ensure_demo_secret_key(env: Mapping[str, str] | None = None) -> None:
    """Write a random ``DATA_DIR/secret_key`` (mode 600) for the demo, unless the environment gives a key."""
    env = os.environ if env is None else env
    if env.get("KUNDPULS_SECRET_KEY") or env.get("KUNDPULS_SECRET_KEY_FILE"):
        return
    folder = data_dir(env)
    folder.mkdir(parents=True, exist_ok=True)
    key_file = folder / SECRET_KEY_FILE_NAME
    if not key_file.exists():
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(50))


def server_url(host: str, port: int) -> str:
    """``http://host:port`` for a listening address; all interfaces (``0.0.0.0``, ``::``) become 127.0.0.1."""
    if not 1 <= port <= 65535:
        raise ConfigurationError(f"--port: expected 1–65535, got {port!r}")
    name = host.strip().strip("[]")
    if not name:
        raise ConfigurationError(f"--host: expected a host name or address, got {host!r}")
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return f"http://{name}:{port}"
    if address.is_unspecified:
        return f"http://127.0.0.1:{port}"
    return f"http://[{address}]:{port}" if address.version == 6 else f"http://{address}:{port}"


def record_server_address(url: str, env: Mapping[str, str] | None = None) -> Path:
    """Write the address a server starts on to ``DATA_DIR/server_address`` for later CLI commands."""
    folder = data_dir(env)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / SERVER_ADDRESS_FILE_NAME
    temporary = target.with_suffix(".tmp")
    temporary.write_text(url + "\n", encoding="utf-8")
    temporary.replace(target)
    return target


def base_url(env: Mapping[str, str], folder: Path) -> str:
    """Links' address: ``KUNDPULS_BASE_URL``, else the last ``kundpuls serve`` address in the data folder."""
    raw = env.get("KUNDPULS_BASE_URL")
    name = "KUNDPULS_BASE_URL"
    if not raw:
        recorded = folder / SERVER_ADDRESS_FILE_NAME
        try:
            raw = recorded.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return DEFAULT_BASE_URL
        except OSError as exc:
            raise ConfigurationError(f"{recorded}: cannot read the server address: {exc.strerror}") from exc
        name = str(recorded)
    url = raw.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) > 2000:
        raise ConfigurationError(f"{name}: expected an http:// or https:// address, got {raw!r}")
    return url


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Build a :class:`Config` from ``env`` (default: the process environment), validating every value."""
    env = os.environ if env is None else env
    data_dir_ = data_dir(env)
    debug = _flag(env, "KUNDPULS_DEBUG")
    demo = _flag(env, "KUNDPULS_DEMO")
    database_url = env.get("KUNDPULS_DATABASE_URL") or f"sqlite:///{data_dir_ / 'kundpuls.sqlite3'}"
    if not database_url.startswith(("sqlite:", "postgres://", "postgresql://")):
        raise ConfigurationError(
            f"KUNDPULS_DATABASE_URL: expected sqlite:///… or postgresql://…, got {database_url!r}"
        )
    key, key_source = secret_key(env, data_dir_, debug=debug)
    links_url = base_url(env, data_dir_)
    hosts = tuple(h.strip() for h in (env.get("KUNDPULS_ALLOWED_HOSTS") or "127.0.0.1,localhost").split(","))
    if not env.get("KUNDPULS_ALLOWED_HOSTS"):  # by default the links' own host is served too
        links_host = urlsplit(links_url).hostname
        hosts += (links_host,) if links_host and links_host not in hosts else ()
    settle_raw = env.get("KUNDPULS_LAKE_SETTLE_SECONDS") or "5"
    try:
        settle = float(settle_raw)
    except ValueError:
        settle = -1.0
    if not 0 <= settle <= 3600:
        raise ConfigurationError(
            f"KUNDPULS_LAKE_SETTLE_SECONDS: expected seconds between 0 and 3600, got {settle_raw!r}"
        )
    return Config(
        data_dir=data_dir_,
        database_url=database_url,
        secret_key=key,
        secret_key_source=key_source,
        debug=debug,
        demo=demo,
        allowed_hosts=tuple(h for h in hosts if h),
        lake_dir=lake_dir(env),
        base_url=links_url,
        anonymity_threshold=anonymity_threshold(env),
        lake_settle_seconds=settle,
        lake_refresh_seconds=_whole(env, "KUNDPULS_LAKE_REFRESH_SECONDS", "30"),
        # Invitations: outgoing mail and the retention of contact data (issue 4).
        smtp_host=(env.get("KUNDPULS_SMTP_HOST") or "").strip() or None,
        smtp_port=int(_number(env, "KUNDPULS_SMTP_PORT", "25", minimum=1)),
        smtp_user=env.get("KUNDPULS_SMTP_USER") or None,
        smtp_password=_secret(env, "KUNDPULS_SMTP_PASSWORD"),
        smtp_use_tls=_flag(env, "KUNDPULS_SMTP_USE_TLS"),
        mail_from=env.get("KUNDPULS_MAIL_FROM") or "kundpuls@localhost",
        mail_rate=_number(env, "KUNDPULS_MAIL_RATE", "5", minimum=0.001),
        bounce_maildir=Path(env["KUNDPULS_BOUNCE_MAILDIR"]).expanduser()
        if env.get("KUNDPULS_BOUNCE_MAILDIR")
        else None,
        contact_retention_days=int(_number(env, "KUNDPULS_CONTACT_RETENTION_DAYS", "30", minimum=0)),
        case_contact_retention_days=_whole(env, "KUNDPULS_CASE_CONTACT_RETENTION_DAYS", "30"),
        unused_contact_retention_days=_whole(env, "KUNDPULS_UNUSED_CONTACT_RETENTION_DAYS", "30"),
        rate_limit_posts=_whole(env, "KUNDPULS_RATE_LIMIT_POSTS", "120"),
        rate_limit_gets=_whole(env, "KUNDPULS_RATE_LIMIT_GETS", "600"),
        trusted_proxies=_whole(env, "KUNDPULS_TRUSTED_PROXIES", "0"),
        job_intervals=job_intervals(env),
        cache_url=cache_url(env),
        metrics_token=_metrics_token(env),
        log_format=_log_format(env),
    )


def _log_format(env: Mapping[str, str]) -> str:
    raw = (env.get("KUNDPULS_LOG_FORMAT") or "plain").strip().lower()
    if raw not in ("plain", "json"):
        raise ConfigurationError(f"KUNDPULS_LOG_FORMAT: expected plain or json, got {raw!r}")
    return raw


def _metrics_token(env: Mapping[str, str]) -> str | None:
    token = _secret(env, "KUNDPULS_METRICS_TOKEN")
    if token is not None and not 20 <= len(token) <= 200:
        raise ConfigurationError(
            f"KUNDPULS_METRICS_TOKEN: expected 20–200 characters, got {len(token)} characters"
        )
    return token


@lru_cache(maxsize=1)
def get_config() -> Config:
    """The process-wide configuration, read from the environment on first use."""
    return load_config()


def release_version() -> str:
    """The installed Kundpuls release (``pyproject.toml``; its changes are in ``CHANGELOG.md``)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kundpuls")
    except PackageNotFoundError:  # a source tree without an installed package
        return "unknown"


CHART_FONTS = ("bundled", "system")


def chart_fonts(env: Mapping[str, str] | None = None) -> str:
    """``KUNDPULS_CHART_FONTS``: how vl-convert measures chart text (:mod:`kundpuls.render.chart_fonts`).

    ``bundled``: with the Liberation Sans it carries in memory (fast); ``system``: with the system's fonts
    too, for labels in scripts Liberation Sans lacks (Chinese, Arabic …). Read on its own, without the
    rest of the configuration, because charts are also drawn where no server is configured.
    """
    env = os.environ if env is None else env
    raw = env.get("KUNDPULS_CHART_FONTS") or "bundled"
    value = raw.strip().lower()
    if value not in CHART_FONTS:
        raise ConfigurationError(f"KUNDPULS_CHART_FONTS: expected bundled or system, got {raw!r}")
    return value
