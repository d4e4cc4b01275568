from typing import Any

import pytest
from django.test import Client, override_settings

from kundpuls.demo.organisation import DEMO_PASSWORD
from kundpuls.web.accounts.models import User
from kundpuls.web.org.actions import create_admin
from kundpuls.web.org.actors import CLI


@pytest.mark.django_db
def test_a_person_logs_in_with_an_e_mail_address_in_any_case() -> None:
    create_admin("Kvalitet@Exempel.se", "ett-langt-losenord-2026", actor=CLI)
    response = Client().post(
        "/konto/logga-in/", {"username": "KVALITET@exempel.se", "password": "ett-langt-losenord-2026"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/portal/"


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2() -> None:
    user = create_admin("hash@exempel.se", "ett-langt-losenord-2026", actor=CLI)
    assert user.password.startswith("argon2")


@pytest.mark.django_db
def test_demo_accounts_log_in_only_in_demo_mode() -> None:
    credentials = {"username": "analytiker@kundpuls.example", "password": DEMO_PASSWORD}
    with override_settings(KUNDPULS_DEMO=False):
        refused = Client().post("/konto/logga-in/", credentials)
    assert refused.status_code == 200
    assert "error-summary" in refused.content.decode()
    with override_settings(KUNDPULS_DEMO=True):
        accepted = Client().post("/konto/logga-in/", credentials)
    assert accepted.status_code == 302


@pytest.mark.django_db
def test_repeated_failures_lock_the_login_even_with_the_right_password() -> None:
    create_admin("låst@exempel.se".replace("å", "a"), "ett-langt-losenord-2026", actor=CLI)
    client = Client()
    for _ in range(5):
        client.post("/konto/logga-in/", {"username": "last@exempel.se", "password": "fel"})
    response = client.post(
        "/konto/logga-in/", {"username": "last@exempel.se", "password": "ett-langt-losenord-2026"}
    )
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()


@pytest.mark.django_db
def test_the_login_page_is_swedish_by_default_and_english_by_the_switch() -> None:
    client = Client()
    assert "Logga in i Kundpuls" in client.get("/konto/logga-in/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/konto/logga-in/"})
    assert "Log in to Kundpuls" in client.get("/konto/logga-in/").content.decode()


@pytest.mark.django_db
def test_a_weak_admin_password_is_refused_with_the_field_named() -> None:
    from kundpuls.errors import ValidationError

    with pytest.raises(ValidationError, match="password"):
        create_admin("svag@exempel.se", "123", actor=CLI)
    assert not User.objects.filter(email="svag@exempel.se").exists()


def _fail_five_times(client: Client, email: str, **extra: str) -> None:
    for _ in range(5):
        client.post("/konto/logga-in/", {"username": email, "password": "fel"}, **extra)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_lockout_holds_whatever_the_letter_case_of_the_e_mail() -> None:
    create_admin("chef.bibliotek@exempel.se", "ett-langt-losenord-2026", actor=CLI)
    client = Client()
    _fail_five_times(client, "chef.bibliotek@exempel.se")
    for spelling in ("CHEF.bibliotek@exempel.se", " Chef.Bibliotek@EXEMPEL.se "):
        guess = client.post("/konto/logga-in/", {"username": spelling, "password": "fel-igen"})
        assert guess.status_code == 429, spelling
        right = client.post("/konto/logga-in/", {"username": spelling, "password": "ett-langt-losenord-2026"})
        assert right.status_code == 429, spelling


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_lockout_keys_on_the_forwarded_client_address() -> None:
    create_admin("proxy@exempel.se", "ett-langt-losenord-2026", actor=CLI)
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    attacker = {**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    colleague = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    right = {"username": "proxy@exempel.se", "password": "ett-langt-losenord-2026"}
    with override_settings(KUNDPULS_TRUSTED_PROXIES=1):
        _fail_five_times(Client(), "proxy@exempel.se", **attacker)
        assert Client().post("/konto/logga-in/", right, **attacker).status_code == 429  # type: ignore[arg-type]
        assert Client().post("/konto/logga-in/", right, **colleague).status_code == 302  # type: ignore[arg-type]


def test_a_login_without_a_real_client_address_is_no_server_error(personas: dict[str, Any]) -> None:
    from django.http import HttpRequest

    from kundpuls.web.accounts.throttling import lockout_address

    bare = HttpRequest()  # what Client.force_login sends through axes: no REMOTE_ADDR at all
    assert lockout_address(bare) is None
    bare.META["REMOTE_ADDR"] = "192.0.2.7"
    assert lockout_address(bare) == "192.0.2.7"
    client = Client()
    client.force_login(personas["viewer"])  # stored by axes in an address column (PostgreSQL checks it)
    assert client.get("/portal/").status_code == 200
