"""Dates, times and durations as Chinese text: “2026年12月5日 08:30”, “2 小时 15 分钟”.

Python's own forms (``0:30:00``, ``2026-12-05 08:30:00+00:00``) never reach a page: every
moment a user reads is local time written the Chinese way, every duration in 天 / 小时 / 分钟.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone


def day(value: datetime) -> str:
    """``2026年12月5日`` (local time)."""
    return f"{timezone.localtime(value):%Y年%-m月%-d日}"


def moment(value: datetime) -> str:
    """``2026年12月5日 08:30`` (local time)."""
    return f"{timezone.localtime(value):%Y年%-m月%-d日 %H:%M}"


def duration(value: timedelta) -> str:
    """A span as people say it, to the minute (rounded up): ``30 天``, ``1 天 2 小时``, ``45 分钟``.

    Two units at most: an opening three weeks away is “21 天 4 小时”, not to the minute.
    """
    minutes = -(-int(value.total_seconds()) // 60)  # a span of 10 seconds is still “1 分钟”
    if minutes <= 0:
        return "0 分钟"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} 天" + (f" {hours} 小时" if hours else "")
    if hours:
        return f"{hours} 小时" + (f" {minutes} 分钟" if minutes else "")
    return f"{minutes} 分钟"
