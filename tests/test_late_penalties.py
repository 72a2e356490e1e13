"""Late penalties: started days after the due date and grace, a cap, zero after the cutoff."""

from __future__ import annotations

import pytest

from grader.late_penalties import lateness, local_iso, local_time
from grader.records import LatePolicy

DUE = "2026-10-15T23:59:00+00:00"
POLICY = LatePolicy(per_day_percent=10, max_percent=30, grace_minutes=15, cutoff="2026-10-25T00:00:00+00:00")


@pytest.mark.parametrize(
    "submitted, days, percent",
    [
        ("2026-10-15T12:00:00+00:00", 0, 0),  # early
        ("2026-10-15T23:59:00+00:00", 0, 0),  # on the minute
        ("2026-10-16T00:14:00+00:00", 0, 0),  # inside the grace period
        ("2026-10-16T00:15:01+00:00", 1, 10),  # a second past grace starts day 1
        ("2026-10-17T00:14:00+00:00", 1, 10),  # day 1 ends 24 h after grace
        ("2026-10-17T00:15:00.5+00:00", 2, 20),
        ("2026-10-19T10:00:00+00:00", 4, 30),  # capped
        ("2026-10-25T00:00:01+00:00", 9, 100),  # past the cutoff: zero
        ("2026-10-16T02:14:00+02:00", 0, 0),  # an offset is honoured (00:14 UTC)
    ],
)
def test_lateness_counts_started_days_after_grace_caps_and_cuts_off(submitted, days, percent):
    late = lateness(submitted, due=DUE, policy=POLICY)
    assert (late.days, late.penalty_percent) == (days, percent)


def test_nothing_is_late_without_a_due_date_or_a_known_time():
    assert lateness("2030-01-01T00:00:00+00:00", due=None, policy=POLICY).penalty_percent == 0
    assert lateness(None, due=DUE, policy=POLICY).penalty_percent == 0


def test_a_policy_without_penalties_still_counts_days():
    late = lateness("2026-10-18T00:00:00+00:00", due=DUE, policy=LatePolicy())
    assert late.days == 3 and late.penalty_percent == 0


@pytest.mark.parametrize(
    ("moment", "zone", "shown", "iso"),
    [
        ("2026-10-25T00:30:00+00:00", "Europe/Berlin", "2026-10-25 02:30 CEST (+02:00)", "2026-10-25T02:30:00+02:00"),
        ("2026-10-25T01:30:00+00:00", "Europe/Berlin", "2026-10-25 02:30 CET (+01:00)", "2026-10-25T02:30:00+01:00"),
        ("2026-03-08T10:00:05+00:00", "America/New_York", "2026-03-08 06:00:05 EDT (-04:00)",
         "2026-03-08T06:00:05-04:00"),
        ("2026-06-01T12:00:00+00:00", "Asia/Kolkata", "2026-06-01 17:30 IST (+05:30)", "2026-06-01T17:30:00+05:30"),
        ("2026-06-01T12:00:00+00:00", "UTC", "2026-06-01 12:00 UTC (+00:00)", "2026-06-01T12:00:00+00:00"),
        (None, "Europe/Berlin", "", ""),
        ("not a time", "Europe/Berlin", "not a time", "not a time"),  # shown as it is, never an error
    ],
)
def test_times_are_shown_in_the_course_zone_with_the_offset_of_their_own_day(moment, zone, shown, iso):
    assert local_time(moment, zone) == shown
    assert local_iso(moment, zone) == iso
