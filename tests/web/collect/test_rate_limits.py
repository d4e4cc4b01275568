"""Rate limits on the public respondent pages: per address and minute, 429 in the respondent's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from kundpuls.config import load_config
from kundpuls.errors import ConfigurationError
from kundpuls.web.ratelimit import client_address, over_limit
from kundpuls.web.responses.models import Response


@pytest.fixture
def limits(settings: Any) -> Any:
    cache.clear()
    settings.KUNDPULS_RATE_LIMIT_POSTS = 3
    settings.KUNDPULS_RATE_LIMIT_GETS = 5
    settings.KUNDPULS_TRUSTED_PROXIES = 0
    yield settings
    cache.clear()


def test_an_address_over_the_post_limit_gets_429_and_nothing_is_stored(nki_link: Any, limits: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="sv")
    statuses = [
        client.post(nki_link.public_path, {"state": "x", "action": "next"}).status_code for _ in range(3)
    ]
    assert 429 not in statuses
    refused = client.post(nki_link.public_path, {"state": "x", "action": "next"}, HTTP_ACCEPT="text/html")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    html = refused.content.decode()
    assert '<html lang="sv">' in html and "Vänta en minut" in html
    assert Response.objects.count() == 0
    other = Client(REMOTE_ADDR="203.0.113.8")  # another address has its own count
    assert other.post(nki_link.public_path, {"state": "x", "action": "next"}).status_code != 429


def test_the_page_speaks_english_to_an_english_browser_and_json_to_a_program(
    nki_link: Any, limits: Any
) -> None:
    limits.KUNDPULS_RATE_LIMIT_GETS = 1
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert client.get(nki_link.public_path).status_code == 200
    english = client.get(nki_link.public_path, HTTP_ACCEPT_LANGUAGE="en", HTTP_ACCEPT="text/html")
    assert english.status_code == 429 and "Please wait a minute" in english.content.decode()
    program = client.get(nki_link.public_path, HTTP_ACCEPT="application/json")
    assert program.status_code == 429 and program.json()["error"] == "rate_limited"


def test_gets_and_posts_are_counted_apart_and_staff_pages_not_at_all(nki_link: Any, limits: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.10")
    assert all(client.get(nki_link.public_path).status_code == 200 for _ in range(5))
    assert client.get(nki_link.public_path).status_code == 429
    assert client.post(nki_link.public_path, {"state": "x"}).status_code != 429
    assert all(client.get("/konto/logga-in/").status_code != 429 for _ in range(10))


def test_zero_turns_a_limit_off(nki_link: Any, limits: Any) -> None:
    limits.KUNDPULS_RATE_LIMIT_GETS = 0
    client = Client(REMOTE_ADDR="203.0.113.11")
    assert all(client.get(nki_link.public_path).status_code == 200 for _ in range(12))


def test_a_client_cannot_choose_its_address_and_a_trusted_proxy_hop_is_used() -> None:
    class Request:
        META = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.5"}

    assert client_address(Request(), 0) == "10.0.0.2"  # type: ignore[arg-type]
    assert client_address(Request(), 1) == "198.51.100.5"  # type: ignore[arg-type]
    assert client_address(Request(), 2) == "1.2.3.4"  # type: ignore[arg-type]
    assert client_address(Request(), 3) == "10.0.0.2"  # type: ignore[arg-type]


def test_counts_start_again_each_minute() -> None:
    cache.clear()
    assert not over_limit("get", "198.51.100.20", 1, now=120.0)
    assert over_limit("get", "198.51.100.20", 1, now=150.0)
    assert not over_limit("get", "198.51.100.20", 1, now=180.0)


def test_limits_are_configured_as_whole_numbers() -> None:
    config = load_config({"KUNDPULS_DEBUG": "1", "KUNDPULS_RATE_LIMIT_POSTS": "30"})
    assert (config.rate_limit_posts, config.rate_limit_gets, config.trusted_proxies) == (30, 600, 0)
    with pytest.raises(ConfigurationError, match=r"KUNDPULS_RATE_LIMIT_GETS.*'many'"):
        load_config({"KUNDPULS_DEBUG": "1", "KUNDPULS_RATE_LIMIT_GETS": "many"})
