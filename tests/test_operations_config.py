"""The operations settings (issue 21): job schedules, the shared cache and the metrics token, bounded."""

from __future__ import annotations

import pytest

from kundpuls.config import load_config
from kundpuls.errors import ConfigurationError

BASE = {"KUNDPULS_SECRET_KEY": "k" * 60, "KUNDPULS_DATA_DIR": "/tmp/kundpuls-config-test"}


def test_defaults_schedule_every_job_and_share_nothing() -> None:
    config = load_config(BASE)
    assert dict(config.job_intervals) == {
        "sync": 300,
        "bounces": 900,
        "overdue": 3600,
        "invitation-retention": 86400,
        "case-contacts": 86400,
    }
    assert config.cache_url is None and config.metrics_token is None


def test_a_job_is_turned_off_with_zero_and_a_bad_interval_is_named() -> None:
    config = load_config({**BASE, "KUNDPULS_JOB_SYNC_SECONDS": "0", "KUNDPULS_JOB_OVERDUE_SECONDS": "60"})
    assert dict(config.job_intervals)["sync"] == 0 and dict(config.job_intervals)["overdue"] == 60
    for bad in ("5", "-1", "soon", str(40 * 86400)):
        with pytest.raises(ConfigurationError, match=f"KUNDPULS_JOB_BOUNCES_SECONDS: .*got '{bad}'"):
            load_config({**BASE, "KUNDPULS_JOB_BOUNCES_SECONDS": bad})


def test_the_cache_url_must_be_redis_and_the_metrics_token_long_enough() -> None:
    assert load_config({**BASE, "KUNDPULS_CACHE_URL": "redis://127.0.0.1:6379/3"}).cache_url == (
        "redis://127.0.0.1:6379/3"
    )
    with pytest.raises(ConfigurationError, match="KUNDPULS_CACHE_URL: expected redis://"):
        load_config({**BASE, "KUNDPULS_CACHE_URL": "memcached://x"})
    assert load_config({**BASE, "KUNDPULS_METRICS_TOKEN": "t" * 32}).metrics_token == "t" * 32
    with pytest.raises(ConfigurationError, match="KUNDPULS_METRICS_TOKEN: expected 20–200 characters, got 5"):
        load_config({**BASE, "KUNDPULS_METRICS_TOKEN": "short"})
