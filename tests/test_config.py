from pathlib import Path

import pytest

from kundpuls.config import load_config
from kundpuls.errors import ConfigurationError


def test_it_refuses_to_start_without_a_secret_when_debug_is_off() -> None:
    with pytest.raises(ConfigurationError, match="KUNDPULS_SECRET_KEY"):
        load_config({})


def test_it_runs_without_a_secret_in_debug_mode() -> None:
    config = load_config({"KUNDPULS_DEBUG": "1"})
    assert config.debug is True
    assert config.secret_key


def test_it_reads_the_secret_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret-from-file\n", encoding="utf-8")
    assert load_config({"KUNDPULS_SECRET_KEY_FILE": str(secret)}).secret_key == "s3cret-from-file"


def test_it_names_an_unreadable_secret_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="KUNDPULS_SECRET_KEY_FILE"):
        load_config({"KUNDPULS_SECRET_KEY_FILE": str(tmp_path / "missing")})


def test_it_defaults_to_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    config = load_config({"KUNDPULS_DEBUG": "1", "KUNDPULS_DATA_DIR": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path.resolve() / 'kundpuls.sqlite3'}"
    assert config.lake_dir == tmp_path.resolve() / "lake"
    assert config.uses_sqlite


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KUNDPULS_DEBUG", "kanske"),
        ("KUNDPULS_DATABASE_URL", "mysql://db/kundpuls"),
        ("KUNDPULS_ANONYMITY_THRESHOLD", "0"),
        ("KUNDPULS_ANONYMITY_THRESHOLD", "sju"),
    ],
)
def test_it_names_the_variable_and_the_value_of_a_bad_setting(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_config({"KUNDPULS_DEBUG": "1", name: value} if name != "KUNDPULS_DEBUG" else {name: value})
    assert name in str(info.value)
    assert repr(value) in str(info.value)


def test_it_accepts_postgresql_urls_and_host_lists() -> None:
    config = load_config(
        {
            "KUNDPULS_SECRET_KEY": "k",
            "KUNDPULS_DATABASE_URL": "postgresql://kundpuls@127.0.0.1:5432/kundpuls",
            "KUNDPULS_ALLOWED_HOSTS": "kundpuls.example.se, 127.0.0.1",
        }
    )
    assert not config.uses_sqlite
    assert config.allowed_hosts == ("kundpuls.example.se", "127.0.0.1")


def test_chart_fonts_are_bundled_unless_told_and_a_wrong_value_is_named() -> None:
    from kundpuls.config import chart_fonts

    assert chart_fonts({}) == "bundled"
    assert chart_fonts({"KUNDPULS_CHART_FONTS": " System "}) == "system"
    with pytest.raises(ConfigurationError, match=r"KUNDPULS_CHART_FONTS.*'serif'"):
        chart_fonts({"KUNDPULS_CHART_FONTS": "serif"})
