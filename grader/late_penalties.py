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
