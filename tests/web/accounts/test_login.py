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
