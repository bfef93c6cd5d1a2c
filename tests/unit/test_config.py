"""Settings come from the environment, with safe defaults and no secrets in code."""
from webapp import config


def test_the_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.from_environment(tmp_path)["SECRET_KEY"]
    second = config.from_environment(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert config.from_environment(tmp_path / "other")["SECRET_KEY"] != first


def test_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@127.0.0.1/alleys")
    monkeypatch.setenv("TILE_CRS", "gcj02")
    settings = config.from_environment(tmp_path)
    assert settings["SECRET_KEY"] == "from-env"
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert settings["TILE_CRS"] == "gcj02"


def test_the_default_is_spatialite_in_the_instance_folder_and_chinese(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = config.from_environment(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'alleys.sqlite'}"
    assert settings["BABEL_DEFAULT_LOCALE"] == "zh_Hans"
    assert settings["TILE_URL"] == ""


def test_csrf_tokens_last_as_long_as_the_session(tmp_path):
    # A patrol finished offline may wait hours in the phone's queue before it is sent.
    assert config.from_environment(tmp_path)["WTF_CSRF_TIME_LIMIT"] is None
