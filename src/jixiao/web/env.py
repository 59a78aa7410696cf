"""Typed readers of environment variables that fail loudly, in Chinese, on bad values.

Settings come from the environment (twelve-factor, like healthchecks): a typo such as
``DEBUG=ture`` or ``DATABASE_URL=postgress://…`` stops the process at start with a message
naming the variable and the accepted forms, instead of silently running with a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on", "是"}
FALSE = {"0", "false", "no", "off", "否", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ is None else environ
    value = source.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    value = _raw(name, environ)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 的值“{value}”无效：应为 1/0、true/false、yes/no 或 on/off")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 的值“{value}”无效：应为整数") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        low = "" if minimum is None else str(minimum)
        high = "" if maximum is None else str(maximum)
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {number} 超出允许范围（{low}–{high}）")
    return number


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """Comma-separated values; blanks dropped (``a.example, b.example``)."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [part.strip() for part in value.split(",") if part.strip()]


def public_url(value: str | None, name: str = "JIXIAO_PUBLIC_URL") -> str:
    """``scheme://host[:port]`` without a trailing slash, or "" when unset; paths come from the
    application's own URLs, so a path, query or fragment here is refused."""
    if not value:
        return ""
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"}:
        raise ImproperlyConfigured(
            f"环境变量 {name} 的值“{value}”无效：应为受访者访问本系统的地址，只写协议和域名（可带端口），"
            "如 https://jx.example.gov.cn"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ImproperlyConfigured(f"环境变量 {name} 的值“{value}”无效：不能带查询参数、片段或用户名")
    return f"{parts.scheme}://{parts.netloc.lower()}"


# --- DATABASE_URL ----------------------------------------------------------------------

_POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}
#: Seconds to wait for PostgreSQL to accept a connection (``?connect_timeout=`` overrides).
CONNECT_TIMEOUT = 5


def database_from_url(url: str, base_dir: Path, name: str = "DATABASE_URL") -> dict[str, Any]:
    """A Django ``DATABASES`` entry from a URL (the forms dj-database-url reads).

    ``sqlite:///relative/path.sqlite3``, ``sqlite:////absolute/path``, ``sqlite://:memory:``;
    ``postgres://user:password@host:port/name?sslmode=require`` (query → OPTIONS). A relative
    SQLite path is taken relative to ``base_dir`` (the instance directory's parent is not
    guessed: write an absolute path when in doubt).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        return _sqlite(url, parts.path, base_dir, name)
    if scheme in _POSTGRES_SCHEMES:
        return _postgres(url, parts, name)
    raise ImproperlyConfigured(
        f"环境变量 {name} 的值“{_masked(url)}”无效：只支持 sqlite:///路径 或 postgres://用户:密码@主机:端口/数据库名"
    )


def _sqlite(url: str, path: str, base_dir: Path, name: str) -> dict[str, Any]:
    if url.rstrip("/") in {"sqlite://:memory:", "sqlite:///:memory:"}:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    # sqlite:///var/db.sqlite3 → path "/var/db.sqlite3" → relative "var/db.sqlite3";
    # sqlite:////srv/db.sqlite3 → path "//srv/db.sqlite3" → absolute "/srv/db.sqlite3".
    if not path or path == "/":
        raise ImproperlyConfigured(f"环境变量 {name} 缺少 SQLite 数据库文件路径，如 sqlite:///var/jixiao.sqlite3")
    file = Path(unquote(path[1:]))
    if not file.is_absolute():
        file = base_dir / file
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(file)}


def _postgres(url: str, parts: Any, name: str) -> dict[str, Any]:
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise ImproperlyConfigured(
            f"环境变量 {name} 的值“{_masked(url)}”缺少数据库名，如 postgres://用户@主机:5432/jixiao"
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 的值“{_masked(url)}”中的端口无效") from None
    entry: dict[str, Any] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(port or ""),
    }
    options = dict(parse_qsl(parts.query))
    if "conn_max_age" in options:
        seconds = options.pop("conn_max_age")
        if not seconds.isdigit():
            raise ImproperlyConfigured(f"环境变量 {name} 中 conn_max_age 的值“{seconds}”无效：应为秒数")
        entry["CONN_MAX_AGE"] = int(seconds)
    # A kept connection is checked before each request reuses it: after the database restarts,
    # the first request reconnects instead of failing (docs/operations.md#faults).
    entry["CONN_HEALTH_CHECKS"] = True
    # An unreachable server answers within seconds (a 503 page), not after gunicorn's timeout.
    options.setdefault("connect_timeout", str(CONNECT_TIMEOUT))
    entry["OPTIONS"] = options
    return entry


def _masked(url: str) -> str:
    """The URL with its password hidden, for error messages."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url
