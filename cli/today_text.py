"""The Today list as text in the interface language, for `python main.py today` (the screen
formats the same `TodayList` itself; both come from models.collection.today.today_list)."""
from __future__ import annotations

from models.collection.today import TodayList
from models.common.dates import format_date
from models.common.i18n import _, ngettext
from models.common.money import format_money
from models.contact.promises import PROMISE_STATES
from models.prevention.deposits import DepositDue


def _money_text(amounts: dict[str, int]) -> str:
    return " + ".join(format_money(v, c) for c, v in amounts.items()) or format_money(0)


def _days_text(days: int) -> str:
    if days == 2:  # Hebrew has a dual ("יומיים") that the catalog's two plural forms lack
        return _("two days")
    return ngettext("{count} day", "{count} days", days).format(count=days)


def _due_in_text(days_left: int) -> str:
    """Today, tomorrow or in N days (days_left >= 0)."""
    if days_left == 0:
        return _("due today")
    if days_left == 1:
        return _("due tomorrow")
    return _("due in {days}").format(days=_days_text(days_left))


def _overdue_text(days: int) -> str:
    """A courtesy step comes before the due date: its days are still to run."""
    if days <= 0:
        return _due_in_text(-days)
    return ngettext("{count} day overdue", "{count} days overdue", days).format(count=days)


def _deposit_state(d: DepositDue) -> str:
    if d.is_bounced:
        return _("the deposit check bounced")
    if d.days_late > 0:
        return _("late by {days}").format(days=_days_text(d.days_late))
    return _due_in_text(-d.days_late)


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0][:80]


def _section(lines: list[str], title: str, items: list[str]) -> None:
    """A titled list and a blank line after it; nothing when there are no items."""
    if items:
        lines.extend([title, *(f"  • {item}" for item in items), ""])


def _action_line(a) -> str:
    numbers = [s.invoice.number for s in a.steps]
    line = ngettext("{client}: {label} — {amount}, {overdue} (invoice {numbers})",
                    "{client}: {label} — {amount}, {overdue} (invoices {numbers})",
                    len(numbers)).format(
        client=a.client_name, label=a.label, amount=_money_text(a.open_by_currency),
        overdue=_overdue_text(a.max_days_overdue), numbers=", ".join(numbers))
    if a.is_notice_late:
        line = _("{line} — the debt notice is late!").format(line=line)
    if a.reason:  # the engine's reason for the step, on its own line under the action
        line += "\n    " + _("Why: {reason}").format(reason=a.reason)
    return line


def _promise_lines(today: TodayList) -> list[str]:
    money = format_money
    return [_("{client}: promised {amount} by {date} — check whether it arrived").format(
                client=p.client_name, amount=money(p.amount_agorot, p.currency),
                date=format_date(p.promised_date)) for p in today.promises_due] + [
            _("{client}: promise for {date} {state} (received {paid} of {amount})").format(
                client=p.client_name, date=format_date(p.promised_date),
                state=_(PROMISE_STATES[p.state]),
                paid=money(min(p.paid_agorot, p.amount_agorot), p.currency),
                amount=money(p.amount_agorot, p.currency)) for p in today.promises_broken]


def _instalment_line(i, as_of) -> str:
    line = _("{client}: instalment {seq} of {amount} by {date}").format(
        client=i.client_name, seq=i.seq, amount=format_money(i.owed_agorot, i.currency),
        date=format_date(i.due_date))
    return _("{line} — not received yet").format(line=line) if i.due_date < as_of else line


def format_today(today: TodayList) -> str:
    """The Today list as lines of text."""
    money = format_money
    lines = [_("Today — {date}").format(date=format_date(today.as_of)),
             _("Overdue: {amount}").format(amount=_money_text(today.overdue_totals)),
             _("Expected this week: {amount}").format(amount=_money_text(today.expected_week)),
             ""]
    _section(lines, _("Collection actions to take ({count}):").format(count=len(today.actions)),
             [_action_line(a) for a in today.actions])
    _section(lines, _("Invoices coming due ({count}):").format(count=len(today.due_soon)), [
        _("{client}: invoice {number}, {amount}, due by {date}").format(
            client=c.client_name, number=c.number, amount=money(c.open_agorot, c.currency),
            date=format_date(c.due_date)) for c in today.due_soon])
    _section(lines, _("Payment promises:"), _promise_lines(today))
    _section(lines, _("Follow-ups that are due:"), [
        _("{client}: follow-up from {date} — {summary}").format(
            client=f.client_name, date=format_date(f.follow_up_date),
            summary=_first_line(f.summary)) for f in today.follow_ups])
    _section(lines, _("Post-dated checks to deposit:"), [
        _("{client}: check {number} for {amount} dated {date}").format(
            client=c.client_name, number=c.check_number,
            amount=money(c.amount_agorot, c.currency), date=format_date(c.check_date))
        for c in today.checks])
    _section(lines, _("Deposits due — do not start the work before the deposit arrives:"), [
        _("{client}: deposit of {amount} by {date} ({description}) — {state}").format(
            client=d.client_name, amount=money(d.amount_agorot, d.currency),
            date=format_date(d.due_date), description=_first_line(d.description),
            state=_deposit_state(d)) for d in today.deposits])
    _section(lines, _("Settlement instalments:"),
             [_instalment_line(i, today.as_of) for i in today.instalments])
    _section(lines, _("Broken settlements:"),
             [f"{b.client_name}: {b.next_step}" for b in today.breaches])
    if today.paused:
        lines += [_("Paused ({count}): {reasons}").format(
            count=len(today.paused),
            reasons=", ".join(sorted({s.pause_reason for s in today.paused}))[:300]), ""]
    if today.is_empty:
        lines.append(_("Nothing to do today."))
    return "\n".join(lines).rstrip() + "\n"
