"""ISO weeks as the sender reads them: strict parsing, Amsterdam's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from convene.digests.weeks import IsoWeek, current_week, parse_week
from convene.errors import Invalid


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W48", date(2026, 11, 23)),
        ("2026-W01", date(2025, 12, 29)),  # ISO week 1 can start in the year before
        ("2026-W53", date(2026, 12, 28)),  # 2026 starts on a Thursday: 53 weeks
    ],
)
def test_valid_weeks(text: str, monday: date) -> None:
    week = parse_week(text)
    assert (str(week), week.monday) == (text, monday)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2027-W53", "2027 has weeks 1 to 52"),
        ("2026-W00", "2026 has weeks 1 to 53"),
        ("2026-48", "must look like 2026-W48"),
        ("26-W48", "must look like 2026-W48"),
        ("2026-W4", "must look like 2026-W48"),
        ("next week", "must look like 2026-W48"),
    ],
)
def test_malformed_or_impossible_weeks_are_refused(text: str, reason: str) -> None:
    with pytest.raises(Invalid, match=reason):
        parse_week(text)


def test_the_current_week_is_amsterdams() -> None:
    # Sunday 23:30 UTC is already Monday 00:30 in Amsterdam (winter time)
    assert current_week(datetime(2026, 11, 29, 23, 30, tzinfo=UTC)) == IsoWeek(2026, 49)
    assert current_week(datetime(2026, 11, 29, 22, 30, tzinfo=UTC)) == IsoWeek(2026, 48)


def test_week_boundaries_follow_summer_time() -> None:
    week = IsoWeek(2026, 14)  # Monday 30 March 2026, the day after the clocks went forward
    assert week.starts.utcoffset() is not None
    assert week.starts.astimezone(UTC) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert week.previous().starts.astimezone(UTC) == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)
    assert (week.previous().next(), week.ends) == (week, week.next().starts)
