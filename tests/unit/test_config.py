"""Settings come from the environment, with safe defaults and no secrets in code."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from webapp import config

ROOT = Path(__file__).resolve().parents[2]


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


def test_passwords_are_hashed_with_scrypt_unless_told_otherwise(tmp_path, monkeypatch):
    monkeypatch.delenv("PASSWORD_HASH_METHOD", raising=False)
    assert config.from_environment(tmp_path)["PASSWORD_HASH_METHOD"] == "scrypt"


def test_a_python_that_cannot_load_sqlite_extensions_stops_with_one_sentence_and_status_1():
    from webapp.spatialite import require_extension_loading

    class ConnectionWithoutExtensions:
        pass

    with pytest.raises(SystemExit) as stopped:
        require_extension_loading(ConnectionWithoutExtensions)
    message = str(stopped.value.code)
    assert "cannot load SQLite extensions" in message and "/usr/bin/python3" in message and "\n" not in message
    require_extension_loading()  # this suite's Python can


def test_the_cli_on_such_a_python_prints_the_sentence_and_exits_1(tmp_path):
    # sqlite3.Connection is a C type whose methods cannot be removed: a stand-in module without them plays the
    # self-built Python, loaded before the app.
    fake = tmp_path / "sitecustomize.py"
    fake.write_text("import sqlite3\nclass _C: pass\nsqlite3.Connection = _C\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}:{ROOT}", "FLASK_APP": "wsgi",
           "ALLEYS_INSTANCE_DIR": str(tmp_path / "instance"), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    done = subprocess.run([sys.executable, "-m", "flask", "db", "current"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "cannot load SQLite extensions" in done.stderr and "Traceback" not in done.stderr
