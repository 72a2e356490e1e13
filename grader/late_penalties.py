"""How late a submission is, and what lateness costs under the course's policy.

The one place the late policy lives (:class:`grader.records.LatePolicy`):

- nothing is late without a due date, or when the submission time is unknown;
- a submission is late by the number of *started* days after the due date
  plus the grace period (one minute late is one day late);
- each late day costs ``per_day_percent`` of the score, at most ``max_percent``;
- after the ``cutoff``, the submission scores zero (100 percent).
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass

from grader.records import LatePolicy


@dataclass(frozen=True)
class Lateness:
    days: int
    """started days after the due date and the grace period"""
    penalty_percent: float
    """percent of the score lost"""


ON_TIME = Lateness(days=0, penalty_percent=0.0)


def _moment(value: str | dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment


def lateness(
    submitted_at: str | dt.datetime | None,
    *,
    due: str | dt.datetime | None,
    policy: LatePolicy,
) -> Lateness:
    """The lateness of a submission made at ``submitted_at`` (ISO 8601 strings or aware datetimes)."""
    submitted, due_at = _moment(submitted_at), _moment(due)
    if submitted is None or due_at is None:
        return ON_TIME
    cutoff = _moment(policy.cutoff)
    overdue = submitted - due_at - dt.timedelta(minutes=policy.grace_minutes)
    days = max(0, math.ceil(overdue / dt.timedelta(days=1)))
    if cutoff is not None and submitted > cutoff:
        return Lateness(days=max(days, 1), penalty_percent=100.0)
    percent = min(days * policy.per_day_percent, policy.max_percent)
    return Lateness(days=days, penalty_percent=round(percent, 4))


def course_zone(name: str | None) -> dt.tzinfo:
    """The zone called ``name`` (an IANA name such as ``Europe/Berlin``); UTC when ``name`` is empty or unknown."""
    if not name or name == "UTC":
        return dt.timezone.utc
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.timezone.utc


def local_time(value: str | dt.datetime | None, zone: str | None) -> str:
    """``value`` as a person reads it in the course's ``zone``: ``2026-10-25 23:30 CET (+01:00)``; empty for ``None``.

    The offset is the one in force on that day, so a time in summer and one in
    winter show their own (``CEST (+02:00)``, ``CET (+01:00)``).
    """
    moment = _readable_moment(value)
    if not isinstance(moment, dt.datetime):
        return moment
    local = moment.astimezone(course_zone(zone))
    offset = local.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}"
    seconds = f":{local.second:02d}" if local.second else ""
    name = local.tzname() or ""
    label = f"{name} ({offset})" if name and not name.startswith(("+", "-")) else offset
    return f"{local:%Y-%m-%d %H:%M}{seconds} {label}"


def local_iso(value: str | dt.datetime | None, zone: str | None) -> str:
    """``value`` in ISO 8601 in the course's ``zone``, with its offset (``2026-10-25T23:30:00+01:00``); empty for ``None``."""
    moment = _readable_moment(value)
    return moment.astimezone(course_zone(zone)).isoformat() if isinstance(moment, dt.datetime) else moment


def _readable_moment(value: str | dt.datetime | None) -> dt.datetime | str:
    """The moment ``value`` names; ``value`` itself (or empty) when it names none, so that it is shown as it is."""
    try:
        return _moment(value) or ""
    except (TypeError, ValueError):
        return str(value)
