"""The programme's local day: meetings, deadlines and relative date tests in checklists
count in `CYD_TIMEZONE`, while every stored time is UTC."""

from __future__ import annotations

import datetime as dt

import settings


def local_day(at: dt.datetime) -> dt.date:
    """The programme's local day at `at`. A time without a zone is taken as UTC, as
    every stored time is."""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return moment.astimezone(settings.current().timezone).date()
