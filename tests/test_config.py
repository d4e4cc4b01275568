from pathlib import Path

import pytest

from kundpuls.config import (
    ensure_demo_secret_key,
    lake_dir,
    load_config,
    record_server_address,
    server_url,
)
from kundpuls.errors import ConfigurationError


def test_it_refuses_to_start_without_a_secret_when_debug_is_off(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="KUNDPULS_SECRET_KEY"):
        load_config({"KUNDPULS_DATA_DIR": str(tmp_path)})


def test_the_demos_key_in_the_data_folder_is_used_when_the_environment_gives_none(tmp_path: Path) -> None:
    ensure_demo_secret_key({"KUNDPULS_DATA_DIR": str(tmp_path)})
    key_file = tmp_path / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    config = load_config({"KUNDPULS_DATA_DIR": str(tmp_path)})
    assert config.secret_key == key_file.read_text(encoding="utf-8")
    assert len(config.secret_key) >= 50
    assert config.secret_key_source == "data_dir"
    # written once: a second demo run keeps the key (sessions and invitation links stay valid)
    ensure_demo_secret_key({"KUNDPULS_DATA_DIR": str(tmp_path)})
    assert load_config({"KUNDPULS_DATA_DIR": str(tmp_path)}).secret_key == config.secret_key


def test_a_key_from_the_environment_wins_over_the_data_folder_and_the_demo_writes_none(
    tmp_path: Path,
) -> None:
    env = {"KUNDPULS_DATA_DIR": str(tmp_path), "KUNDPULS_SECRET_KEY": "from-the-environment"}
    ensure_demo_secret_key(env)
    assert not (tmp_path / "secret_key").exists()
    (tmp_path / "secret_key").write_text("from-the-folder", encoding="utf-8")
    config = load_config(env)
    assert (config.secret_key, config.secret_key_source) == ("from-the-environment", "environment")


def test_an_empty_key_file_in_the_data_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"secret_key.*empty"):
        load_config({"KUNDPULS_DATA_DIR": str(tmp_path)})


def test_links_use_the_base_url_else_the_recorded_server_address_else_the_default(tmp_path: Path) -> None:
    env = {"KUNDPULS_DEBUG": "1", "KUNDPULS_DATA_DIR": str(tmp_path)}
    assert load_config(env).base_url == "http://127.0.0.1:8000"
    record_server_address(server_url("0.0.0.0", 8123), env)
    assert load_config(env).base_url == "http://127.0.0.1:8123"
    record_server_address(server_url("kundpuls.lan", 9000), env)
    assert load_config(env).base_url == "http://kundpuls.lan:9000"
    # a server started on another host answers requests for it (unless the hosts are set explicitly)
    assert load_config(env).allowed_hosts == ("127.0.0.1", "localhost", "kundpuls.lan")
    assert load_config({**env, "KUNDPULS_ALLOWED_HOSTS": "a.example.se"}).allowed_hosts == ("a.example.se",)
    assert (
        load_config({**env, "KUNDPULS_BASE_URL": "https://k.example.se/"}).base_url == "https://k.example.se"
    )


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("::", 80, "http://127.0.0.1:80"),
        ("::1", 8001, "http://[::1]:8001"),
    ],
)
def test_server_url_of_a_listening_address(host: str, port: int, url: str) -> None:
    assert server_url(host, port) == url


@pytest.mark.parametrize(("host", "port", "named"), [("", 8000, "--host"), ("127.0.0.1", 0, "--port")])
def test_a_bad_listening_address_is_named(host: str, port: int, named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        server_url(host, port)


def test_a_base_url_that_is_no_web_address_is_named(tmp_path: Path) -> None:
    env = {"KUNDPULS_DEBUG": "1", "KUNDPULS_DATA_DIR": str(tmp_path)}
    with pytest.raises(ConfigurationError, match=r"KUNDPULS_BASE_URL.*'kundpuls\.example\.se'"):
        load_config({**env, "KUNDPULS_BASE_URL": "kundpuls.example.se"})
    (tmp_path / "server_address").write_text("garbage\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"server_address.*'garbage"):
        load_config(env)


def test_the_lake_defaults_to_the_data_folder_without_needing_a_secret(tmp_path: Path) -> None:
    assert lake_dir({"KUNDPULS_DATA_DIR": str(tmp_path)}) == tmp_path.resolve() / "lake"
    assert lake_dir({"KUNDPULS_DATA_DIR": str(tmp_path), "KUNDPULS_LAKE_DIR": str(tmp_path / "x")}) == (
        tmp_path.resolve() / "x"
    )


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
