"""Settings from the environment: typed, loud in Chinese on bad values, safe by default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from jixiao.web.env import database_from_url, env_bool, env_int, env_list, public_url


def test_booleans_accept_the_usual_spellings_and_refuse_the_rest() -> None:
    assert env_bool("X", False, {"X": "yes"}) is True
    assert env_bool("X", True, {"X": "0"}) is False
    assert env_bool("X", True, {}) is True
    with pytest.raises(ImproperlyConfigured, match="环境变量 DEBUG 的值“ture”无效"):
        env_bool("DEBUG", False, {"DEBUG": "ture"})


def test_integers_are_checked_for_type_and_range() -> None:
    assert env_int("N", 5, environ={"N": "8"}) == 8
    with pytest.raises(ImproperlyConfigured, match="应为整数"):
        env_int("N", 5, environ={"N": "8h"})
    with pytest.raises(ImproperlyConfigured, match="超出允许范围"):
        env_int("N", 5, minimum=1, maximum=24, environ={"N": "0"})


def test_lists_are_comma_separated() -> None:
    assert env_list("H", ["a"], {"H": " x.example , y.example,"}) == ["x.example", "y.example"]
    assert env_list("H", ["a"], {}) == ["a"]


def test_the_public_url_is_a_scheme_and_host_only() -> None:
    assert public_url("https://JX.example.gov.cn/") == "https://jx.example.gov.cn"
    assert public_url("http://10.1.2.3:8080") == "http://10.1.2.3:8080"
    assert public_url(None) == "" and public_url("") == ""
    for bad in ("jx.example.gov.cn", "ftp://jx.example.gov.cn", "https://jx.example.gov.cn/jixiao", "https:///x"):
        with pytest.raises(ImproperlyConfigured, match="JIXIAO_PUBLIC_URL"):
            public_url(bad)
    with pytest.raises(ImproperlyConfigured, match="不能带查询参数"):
        public_url("https://jx.example.gov.cn/?a=1")


def test_database_urls(tmp_path: Path) -> None:
    assert database_from_url("sqlite:///var/db.sqlite3", tmp_path)["NAME"] == str(tmp_path / "var" / "db.sqlite3")
    assert database_from_url("sqlite:////srv/jixiao.sqlite3", tmp_path)["NAME"] == "/srv/jixiao.sqlite3"
    pg = database_from_url(
        "postgres://ji%40xiao:p%3Ass@db.example:6432/jixiao?sslmode=require&conn_max_age=60", tmp_path
    )
    assert pg == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "jixiao",
        "USER": "ji@xiao",
        "PASSWORD": "p:ss",
        "HOST": "db.example",
        "PORT": "6432",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"sslmode": "require", "connect_timeout": "5"},
    }
    plain = database_from_url("postgresql://postgres@127.0.0.1/test?connect_timeout=2", tmp_path)
    assert plain["PORT"] == "" and plain["OPTIONS"] == {"connect_timeout": "2"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u:secret@h/db", "只支持"),
        ("postgres://u:secret@h:5432/", "缺少数据库名"),
        ("postgres://u:secret@h:99999/db", "端口无效"),
        ("sqlite://", "缺少 SQLite 数据库文件路径"),
    ],
)
def test_bad_database_urls_fail_loudly_without_showing_the_password(tmp_path: Path, url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message) as refused:
        database_from_url(url, tmp_path)
    assert "secret" not in str(refused.value)


def _start(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "JIXIAO_DEMO", "DEBUG", "DATABASE_URL"}}
    clean |= {"JIXIAO_INSTANCE_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "jixiao.web.settings"} | env
    code = (
        "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60, check=False
    )


def test_without_a_secret_key_the_application_refuses_to_start(tmp_path: Path) -> None:
    done = _start({}, tmp_path)
    assert done.returncode != 0 and "未设置环境变量 SECRET_KEY" in done.stderr


def test_the_command_line_says_so_without_a_traceback(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "JIXIAO_DEMO", "DJANGO_SETTINGS_MODULE"}}
    clean["JIXIAO_INSTANCE_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "jixiao.web", "check"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (
        done.returncode == 2
        and done.stderr.startswith("配置错误：未设置环境变量 SECRET_KEY")
        and "Traceback" not in done.stderr
    )


def test_production_defaults_are_safe(tmp_path: Path) -> None:
    done = _start({"SECRET_KEY": "s" * 50}, tmp_path)
    assert done.stdout.split() == ["False", "True"]  # DEBUG off, cookies over HTTPS only


def test_demo_mode_generates_a_secret_key_in_the_instance_directory(tmp_path: Path) -> None:
    done = _start({"JIXIAO_DEMO": "1"}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]
    key = (tmp_path / "secret_key").read_text("utf-8")
    assert len(key) >= 50 and (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert (tmp_path / ".gitignore").read_text("utf-8") == "*\n"
    again = _start({"JIXIAO_DEMO": "1"}, tmp_path)
    assert again.returncode == 0 and (tmp_path / "secret_key").read_text("utf-8") == key  # sessions survive restarts


def test_a_bad_value_stops_the_start(tmp_path: Path) -> None:
    done = _start({"SECRET_KEY": "s" * 50, "JIXIAO_SESSION_HOURS": "eight"}, tmp_path)
    assert done.returncode != 0 and "JIXIAO_SESSION_HOURS" in done.stderr and "应为整数" in done.stderr


def test_the_security_baseline() -> None:
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.CSRF_COOKIE_HTTPONLY and settings.X_FRAME_OPTIONS == "DENY"
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.EVIDENCE_MAX_BYTES == 20 * 1024 * 1024
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"
    assert len(settings.AUTH_PASSWORD_VALIDATORS) == 4
