"""ISO weeks (``2026-W48``) in Europe/Amsterdam, the network's clock for digests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from convene.errors import Invalid

TIMEZONE = ZoneInfo("Europe/Amsterdam")
WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def starts(self) -> datetime:
        """Monday 00:00 in Amsterdam (an aware datetime)."""
        return datetime.combine(self.monday, time(0), tzinfo=TIMEZONE)

    @property
    def ends(self) -> datetime:
        return IsoWeek.containing(self.monday + timedelta(days=7)).starts

    def previous(self) -> IsoWeek:
        return IsoWeek.containing(self.monday - timedelta(days=7))

    def next(self) -> IsoWeek:
        return IsoWeek.containing(self.monday + timedelta(days=7))

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)


def weeks_in(year: int) -> int:
    return date(year, 12, 28).isocalendar().week  # 28 December is always in the last week


def parse_week(text: str) -> IsoWeek:
    """``2026-W48`` → :class:`IsoWeek`; anything else is refused with the reason.

    >>> parse_week("2026-W48").monday
    datetime.date(2026, 11, 23)
    """
    match = WEEK_PATTERN.match(text.strip())
    if match is None:
        raise Invalid(
            f"week must look like 2026-W48 (ISO year and week), not {text!r}", field="week"
        )
    year, week = int(match.group(1)), int(match.group(2))
    if year < 1 or not 1 <= week <= weeks_in(year):
        raise Invalid(
            f"week {text!r} does not exist: {year} has weeks 1 to {weeks_in(year)}", field="week"
        )
    return IsoWeek(year, week)


def current_week(now: datetime | None = None) -> IsoWeek:
    """The ISO week it is now in Amsterdam."""
    moment = (now or datetime.now(TIMEZONE)).astimezone(TIMEZONE)
    return IsoWeek.containing(moment.date())
