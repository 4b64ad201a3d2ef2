"""The Today list as Hebrew text, for `python main.py today` (the screen formats the same
`TodayList` itself; both come from models.collection.today.today_list)."""
from __future__ import annotations

from models.collection.today import TodayList
from models.common.dates import format_date
from models.common.money import format_money
from models.contact.promises import PROMISE_STATES
from models.prevention.deposits import DepositDue


def _money_text(amounts: dict[str, int]) -> str:
    return " + ".join(format_money(v, c) for c, v in amounts.items()) or format_money(0)


def _days_text(days: int) -> str:
    return "יום אחד" if days == 1 else "יומיים" if days == 2 else f"{days} ימים"


def _due_in_text(days_left: int) -> str:
    """Today, tomorrow or in N days (days_left >= 0)."""
    if days_left == 0:
        return "לתשלום היום"
    return "לתשלום מחר" if days_left == 1 else f"לתשלום בעוד {_days_text(days_left)}"


def _overdue_text(days: int) -> str:
    """A courtesy step comes before the due date: its days are still to run."""
    if days <= 0:
        return _due_in_text(-days)
    return "יום פיגור אחד" if days == 1 else f"{days} ימי פיגור"


def _deposit_state(d: DepositDue) -> str:
    if d.is_bounced:
        return "השיק של המקדמה חזר"
    if d.days_late > 0:
        return f"באיחור של {_days_text(d.days_late)}"
    return _due_in_text(-d.days_late)


def _section(lines: list[str], title: str, items: list[str]) -> None:
    """A titled list and a blank line after it; nothing when there are no items."""
    if items:
        lines.extend([title, *(f"  • {item}" for item in items), ""])


def format_today(today: TodayList) -> str:
    """The Today list in Hebrew."""
    money = format_money
    lines = [f"היום — {format_date(today.as_of)}",
             f"בפיגור: {_money_text(today.overdue_totals)}",
             f"צפוי להתקבל השבוע: {_money_text(today.expected_week)}", ""]
    _section(lines, f"פעולות גבייה לביצוע ({len(today.actions)}):", [
        f"{a.client_name}: {a.label} — {_money_text(a.open_by_currency)}, "
        f"{_overdue_text(a.max_days_overdue)} "
        f"(חשבוניות {', '.join(s.invoice.number for s in a.steps)})"
        + (" — הודעת החוב באיחור!" if a.is_notice_late else "")
        for a in today.actions])
    _section(lines, f"חשבוניות שמועד תשלומן מתקרב ({len(today.due_soon)}):", [
        f"{c.client_name}: חשבונית {c.number}, {money(c.open_agorot, c.currency)}, "
        f"לתשלום עד {format_date(c.due_date)}" for c in today.due_soon])
    _section(lines, "הבטחות תשלום:", [
        f"{p.client_name}: הבטיח {money(p.amount_agorot, p.currency)} "
        f"עד {format_date(p.promised_date)} — לבדוק אם התקבל" for p in today.promises_due] + [
        f"{p.client_name}: הבטחה ל-{format_date(p.promised_date)} {PROMISE_STATES[p.state]} "
        f"(התקבלו {money(min(p.paid_agorot, p.amount_agorot), p.currency)} "
        f"מתוך {money(p.amount_agorot, p.currency)})" for p in today.promises_broken])
    _section(lines, "מעקבים שהגיע מועדם:", [
        f"{f.client_name}: מעקב מ-{format_date(f.follow_up_date)} — "
        f"{f.summary.split(chr(10), 1)[0][:80]}" for f in today.follow_ups])
    _section(lines, "שיקים דחויים להפקדה:", [
        f"{c.client_name}: שיק {c.check_number} על סך {money(c.amount_agorot, c.currency)} "
        f"מתאריך {format_date(c.check_date)}" for c in today.checks])
    _section(lines, "מקדמות לתשלום — לא להתחיל בעבודה לפני שהמקדמה מגיעה:", [
        f"{d.client_name}: מקדמה בסך {money(d.amount_agorot, d.currency)} "
        f"עד {format_date(d.due_date)} ({d.description.split(chr(10), 1)[0][:80]}) — "
        f"{_deposit_state(d)}" for d in today.deposits])
    _section(lines, "תשלומים לפי הסדרי חוב:", [
        f"{i.client_name}: תשלום {i.seq} בסך {money(i.owed_agorot, i.currency)} "
        f"עד {format_date(i.due_date)}" + (" — טרם התקבל" if i.due_date < today.as_of else "")
        for i in today.instalments])
    _section(lines, "הסדרי חוב שהופרו:", [f"{b.client_name}: {b.next_step}"
                                          for b in today.breaches])
    if today.paused:
        lines += [f"מושהות ({len(today.paused)}): "
                  + ", ".join(sorted({s.pause_reason for s in today.paused}))[:300], ""]
    if today.is_empty:
        lines.append("אין משימות להיום.")
    return "\n".join(lines).rstrip() + "\n"
