"""Payment terms and the due date they give (docs/domain.md, "Payment terms and due dates").

Terms are stored as their canonical Hebrew text: `מיידי`, `נטו 45`, `שוטף+30`.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from models.common.errors import ValidationError
from models.common.i18n import _
from models.common.text import strip_marks

DEFAULT_TERMS = "שוטף+30"  # hebrew: terms are stored and printed in Hebrew
# The choices a terms field offers, most usual first (the user may type any other).
COMMON_TERMS = ("מיידי", "נטו 30", "שוטף+30", "שוטף+45", "שוטף+60", "שוטף+90")  # hebrew: terms

# How `שוטף+N` is read: N days after the month's end (the rule), or the end of the
# (N/30)th following month (a common business reading; a setting).
EOM_DAYS = "days"
EOM_MONTHS = "months"

_IMMEDIATE = {"מיידי", "מידי", "immediate", "cash", "מזומן", "net0", "נטו0"}  # hebrew: input
_NET = re.compile(r"^(?:נטו|net|n)\s*\+?\s*(\d{1,3})$", re.IGNORECASE)  # hebrew: input
_EOM = re.compile(r"^(?:שוטף|eom|ש)\s*\+?\s*(\d{1,3})$", re.IGNORECASE)  # hebrew: input


@dataclass(frozen=True)
class Terms:
    kind: str  # 'immediate' | 'net' | 'eom'
    days: int = 0

    def __str__(self) -> str:
        """The canonical code, as stored and printed (Hebrew in every interface language)."""
        if self.kind == "immediate":
            return "מיידי"  # hebrew: stored terms code
        if self.kind == "net":
            return f"נטו {self.days}"  # hebrew: stored terms code
        return f"שוטף+{self.days}"  # hebrew: stored terms code


def parse_terms(text: str | None) -> Terms:
    """`מיידי`, `נטו 45`, `שוטף+30`, `שוטף + 60`, `net 30`, `eom+30` -> Terms."""
    raw = strip_marks(text or "").strip()
    compact = re.sub(r"\s+", " ", raw)
    if not compact:
        return parse_terms(DEFAULT_TERMS)
    if compact.casefold() in _IMMEDIATE or compact.replace(" ", "").casefold() in _IMMEDIATE:
        return Terms("immediate")
    for pattern, kind in ((_NET, "net"), (_EOM, "eom")):
        match = pattern.match(compact)
        if match:
            days = int(match.group(1))
            if days == 0 and kind == "net":
                return Terms("immediate")
            return Terms(kind, days)
    # The examples are codes the parser reads, so they stay Hebrew in every language.
    raise ValidationError(
        _("The payment terms '{terms}' are not recognised. For example: {examples}.").format(
            terms=raw, examples=", ".join(COMMON_TERMS[:3])), field="terms")


def canonical_terms(text: str | None) -> str:
    return str(parse_terms(text))


def end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months_end(day: dt.date, months: int) -> dt.date:
    """Last day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def add_months_end_exact(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, clamped to the month's end (31/01 + 1 month = 28/02)."""
    end = add_months_end(day, months)
    return end.replace(day=min(day.day, end.day))


def due_date(issue_date: dt.date, terms: Terms | str | None, *, eom_reading: str = EOM_DAYS
             ) -> dt.date:
    """Due date of an invoice issued on `issue_date` under `terms`."""
    if not isinstance(terms, Terms):
        terms = parse_terms(terms)
    if terms.kind == "immediate":
        return issue_date
    if terms.kind == "net":
        return issue_date + dt.timedelta(days=terms.days)
    if eom_reading == EOM_MONTHS and terms.days % 30 == 0:
        return add_months_end(issue_date, terms.days // 30)
    return end_of_month(issue_date) + dt.timedelta(days=terms.days)
