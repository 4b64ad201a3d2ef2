"""The case file (תיק הכנה למשא ומתן) of one client as of a date: everything to study before
talking to a debtor, as data — reports.case_file_pdf prints it, the app shows it.

What it holds: amounts open and their aging; lifetime invoiced and paid; payment behaviour
(average days late, share paid late, last payment, promises kept, pending and broken — a
partly kept promise is a broken one, as models.contact.promises judges it — with the broken
promises listed, bounced checks); disputes, complaints, claims and lawsuits
(models.negotiation.negotiations.CaseRecord) and disputed invoices; relationships; the contact log
summary (entries per channel, last contact, minutes) and the tactics observed; the cost of
collection so far; the negotiation's limits and checklist; a keep-as-client /
treat-as-debtor indicator with its reasons; and the next collection step.

The next step is the dunning engine's verdict (models.collection.dunning.client_step), never
the case file's own: `NextStep` puts it in words (the step's name, its state, the reason and
the invoices it covers) for the screen, the PDF and the hand-over page alike.

Cost of collection: minutes logged × the business hourly rate
(BusinessProfile.hourly_rate_agorot, agorot per hour) + collection expenses entered
(models.negotiation.negotiations.CollectionExpense), as of the date. A log entry that a later entry
corrects is not counted (the correction replaces it). It is shown against the shekel
debt and against the client's value (lifetime paid, shekels).

Indicator thresholds are settings (key "case_file_rules", `IndicatorRules`).

Statements: a fixed number per case file, whatever the number of invoices, payments or
log entries (tests/collection/test_case_file.py counts them).

API:
    build_case_file(client_id, as_of) -> CaseFile
    next_step(client_id, as_of) -> NextStep            the engine's verdict, in words
    collection_cost(client_id, as_of) -> CollectionCost
    IndicatorRules, load_indicator_rules(), save_indicator_rules(rules)
    indicator(facts...) -> Indicator   (pure; build_case_file calls it)
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from models.collection.dunning import STEP_STATES, ClientStep, client_step
from models.collection.handover import HandoverOption, handover_options
from models.common.dates import format_date
from models.common.errors import ValidationError
from models.common.i18n import N_, _, ngettext
from models.common.money import format_money
from models.contact.contact_log import CHANNELS, TACTICS, label
from models.contact.promises import PromiseCounts, PromiseStatus
from models.db.connection import database
from models.db.settings import DEFAULT_BUCKETS, get_setting, load_profile, set_setting
from models.ledger.clients import Client
from models.ledger.open_as_of import (
    BOUNCED_BY,
    COUNTED_ALLOCATION,
    COUNTED_INVOICE,
    MONEY_COUNTS_FROM,
    RECEIVED_PAYMENT,
)
from models.ledger.open_invoice import OpenInvoice, invoices_open_as_of
from models.queries.aging import bucket_index

INDICATOR_KEY = "case_file_rules"
# The verdicts are msgids (N_), translated by Indicator.verdict_name; the PDF prints them
# in Hebrew (reports.hebrew.in_hebrew). The indicator's reasons, the notes, the settlement
# lines and the limitation warning are translated when the CaseFile is built: the screen
# builds it in the interface language, the PDF inside translated_as("he")
# (reports.case_file_pdf.write_case_file_pdf), so the same sentences print in Hebrew.
VERDICTS = {
    "keep": N_("Keep working with them as a client"),
    "debtor": N_("Treat them as a debtor"),
    "balanced": N_("Reasons both ways: decide before the conversation"),
}


@dataclass
class IndicatorRules:
    long_relationship_years: int = 3
    large_value_agorot: int = 5_000_000   # lifetime paid (₪50,000)
    overdue_days: int = 90
    cost_share_percent: int = 25          # cost of collection above this share of the debt
    late_share_percent: int = 50          # more invoices paid late than this share

    def validate(self) -> "IndicatorRules":
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValidationError(
                    _("The setting {name} must be a whole number, not negative.").format(
                        name=f.name), field=f.name)
        for name in ("cost_share_percent", "late_share_percent"):
            if getattr(self, name) > 100:
                raise ValidationError(_("A percentage must be from 0 to 100."), field=name)
        return self


def load_indicator_rules() -> IndicatorRules:
    stored = get_setting(INDICATOR_KEY, {}) or {}
    known = {f.name for f in fields(IndicatorRules)}
    return IndicatorRules(**{k: v for k, v in stored.items() if k in known})


def save_indicator_rules(rules: IndicatorRules) -> None:
    set_setting(INDICATOR_KEY, asdict(rules.validate()))


# ---- the parts ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CollectionCost:
    minutes: int
    hourly_rate_agorot: int
    time_agorot: int                      # minutes × rate / 60, rounded to the agora
    expenses_agorot: dict[str, int]       # per currency, as entered
    expense_count: int
    debt_agorot: int                      # shekels open (less credit on account)
    lifetime_paid_agorot: int             # shekels received, not bounced

    @property
    def total_agorot(self) -> int:
        """Shekels: the time plus the shekel expenses (other currencies stay apart)."""
        return self.time_agorot + self.expenses_agorot.get("ILS", 0)

    @staticmethod
    def _share(part: int, whole: int) -> Decimal | None:
        if whole <= 0:
            return None
        return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def share_of_debt_percent(self) -> Decimal | None:
        return self._share(self.total_agorot, self.debt_agorot)

    @property
    def share_of_value_percent(self) -> Decimal | None:
        return self._share(self.total_agorot, self.lifetime_paid_agorot)


@dataclass(frozen=True)
class AgingLine:
    currency: str
    buckets: list[int]          # not due, 1–30, … (DEFAULT_BUCKETS or the profile's)
    boundaries: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.buckets)


@dataclass(frozen=True)
class BouncedCheck:
    date: dt.date
    bounced_date: dt.date
    amount_agorot: int
    currency: str
    check_number: str


@dataclass(frozen=True)
class CaseRecordLine:
    kind: str
    kind_name: str
    record_date: dt.date
    status: str
    status_name: str
    subject: str
    notes: str


@dataclass(frozen=True)
class RelationLine:
    side: str
    side_name: str
    name: str
    role: str
    role_name: str
    notes: str


@dataclass(frozen=True)
class ContactSummary:
    entries: int
    by_channel: dict[str, int]           # CHANNELS code -> entries
    last_contact: dt.datetime | None
    minutes: int
    tactics: dict[str, int]              # TACTICS code -> entries that observed it
    letters: int                          # letters in the archive by the date

    def channel_names(self) -> dict[str, int]:
        return {label(CHANNELS, k): v for k, v in self.by_channel.items()}

    def tactic_names(self) -> dict[str, int]:
        return {label(TACTICS, k): v for k, v in self.tactics.items()}


@dataclass(frozen=True)
class NegotiationSummary:
    opened_date: dt.date
    currency: str
    opening_agorot: int
    min_amount_agorot: int | None
    max_instalments: int | None
    latest_final_date: dt.date | None
    steps: dict[str, bool]               # models.negotiation.negotiations.STEPS -> allowed
    checklist: dict[str, bool]           # models.negotiation.negotiations.CHECKLIST -> done
    discount_agorot: int | None          # the largest discount the limits allow
    discount_percent: Decimal | None
    notes: str

    @property
    def is_prepared(self) -> bool:
        return all(self.checklist.values())


@dataclass(frozen=True)
class Indicator:
    verdict: str                          # VERDICTS
    keep_reasons: list[str]
    debtor_reasons: list[str]

    @property
    def verdict_name(self) -> str:
        return _(VERDICTS[self.verdict])


@dataclass(frozen=True)
class NextStep:
    """The dunning engine's verdict for one client as of a date, in words (translated when
    built: the screen builds it in the interface language, the PDF inside
    translated_as("he")). Nothing here chooses a step: `of` only words what
    models.collection.dunning.client_step answered."""
    client_id: int
    as_of: dt.date
    step: str | None                 # dunning.STEP_CODES; None: no step to take
    state: str                       # dunning.STEP_STATES, or "none" (nothing in the plan)
    name: str                        # the step in words ("" without a step)
    state_name: str
    reason: str                      # why this step, or why nothing (never empty)
    step_date: dt.date | None
    invoice_numbers: tuple[str, ...]  # the invoices the step covers, oldest due first
    client_step: ClientStep | None = field(default=None, compare=False, repr=False)

    @property
    def is_handover_due(self) -> bool:
        """Hand-over is the step to take now."""
        return self.step == "handover" and self.state == "due"

    def routes(self) -> list[HandoverOption]:
        """The hand-over routes and their readiness: the engine's (ClientStep.routes), and
        the same list for reference when it has no step for the client."""
        if self.client_step is not None:
            return self.client_step.routes()
        return handover_options(self.client_id, self.as_of)

    @classmethod
    def of(cls, client_id: int, as_of: dt.date, step: ClientStep | None) -> "NextStep":
        if step is None:  # the engine has nothing for this client
            return cls(client_id, as_of, None, "none", "", _("No step"),
                       _("The dunning plan has no step for this client: no open invoice has "
                         "fallen due, or the client is out of the plan (handed over, at the "
                         "Execution Office, written off or closed)."), None, (), None)
        reason = step.reason or (_("Every step of the dunning plan was taken.")
                                 if step.state == "complete" else "")
        return cls(client_id, as_of, step.step, step.state,
                   step.level.label if step.level else "", _(STEP_STATES[step.state]),
                   reason, step.step_date,
                   tuple(i.number for i in step.invoices), step)


def next_step(client_id: int, as_of: dt.date) -> NextStep:
    """The client's next collection step as of the date: the dunning engine's, in words."""
    return NextStep.of(client_id, as_of, client_step(client_id, as_of))


@dataclass
class CaseFile:
    client_id: int
    client_name: str
    is_person: bool
    tax_id: str
    phone: str
    email: str
    address: str
    as_of: dt.date
    open_agorot: dict[str, int]          # open invoices less credit on account
    overdue_agorot: dict[str, int]
    credit_agorot: dict[str, int]
    aging: list[AgingLine]
    open_invoices: list[OpenInvoice]     # oldest due first
    invoiced_agorot: dict[str, int]      # lifetime, not cancelled
    paid_agorot: dict[str, int]          # lifetime received, not bounced
    first_invoice_date: dt.date | None
    invoice_count: int
    average_days_late: float | None
    share_paid_late: float | None
    settled_invoices: int
    last_payment_date: dt.date | None
    promises: PromiseCounts              # kept / pending / broken (partly kept included)
    broken_promises: list[PromiseStatus]  # the broken ones, oldest promised date first
    bounced_checks: list[BouncedCheck]
    case_records: list[CaseRecordLine]
    disputed_invoices: list[OpenInvoice]
    relations: list[RelationLine]
    contacts: ContactSummary
    cost: CollectionCost
    negotiation: NegotiationSummary | None
    settlement_lines: list[str]          # the client's settlements, one sentence each
    indicator: Indicator
    limitation_warning: str | None
    oldest_overdue_days: int = 0
    notes: list[str] = field(default_factory=list)
    next_step: NextStep | None = None    # the dunning engine's verdict (next_step)

    @property
    def relationship_years(self) -> float | None:
        if self.first_invoice_date is None:
            return None
        return (self.as_of - self.first_invoice_date).days / 365.25


# ---- queries ----------------------------------------------------------------------------

_LOG_SQL = """
SELECT e.channel, e.occurred_at, e.minutes, e.tactics FROM contact_log e
WHERE e.client_id = :c AND e.occurred_at < :next
  AND NOT EXISTS (SELECT 1 FROM contact_log x WHERE x.corrects_id = e.id
                  AND x.occurred_at < :next)
"""
_EXPENSES_SQL = """
SELECT currency, COALESCE(SUM(amount_agorot), 0), COUNT(*) FROM collection_expense
WHERE client_id = :c AND expense_date <= :d GROUP BY currency
"""
# Money received by D, the rule of models.ledger.open_as_of: a post-dated check counts
# from its own date (and is the last payment from then), a bounced one no longer counts.
_PAID_SQL = f"""
SELECT currency, COALESCE(SUM(amount_agorot), 0), MAX({MONEY_COUNTS_FROM}) FROM payment
WHERE client_id = :c AND {RECEIVED_PAYMENT}
GROUP BY currency
"""
_INVOICED_SQL = f"""
SELECT i.currency, SUM(i.amount_agorot), COUNT(*), MIN(i.issue_date) FROM invoice i
WHERE i.client_id = :c AND {COUNTED_INVOICE}
GROUP BY i.currency
"""
# Settled invoices (open 0 as of D): the day the latest counted allocation closed them.
_BEHAVIOUR_SQL = f"""
SELECT i.due_date, MAX(a.applied_date) FROM invoice i
JOIN allocation a ON a.invoice_id = i.id AND {COUNTED_ALLOCATION}
WHERE i.client_id = :c AND {COUNTED_INVOICE}
GROUP BY i.id HAVING SUM(a.amount_agorot) >= i.amount_agorot
"""
_BOUNCED_SQL = f"""
SELECT date, bounced_date, amount_agorot, currency, check_number FROM payment
WHERE client_id = :c AND method = 'check' AND {BOUNCED_BY}
ORDER BY bounced_date, id
"""


def _client(client_id: int) -> Client:
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        raise ValidationError(_("Client number {id} was not found.").format(id=client_id))
    return client


def _params(client_id: int, as_of: dt.date) -> dict:
    return {"c": client_id, "d": as_of.isoformat(),
            "next": (as_of + dt.timedelta(days=1)).isoformat()}


def _lifetime_paid(client_id: int, as_of: dt.date) -> tuple[dict[str, int], dt.date | None]:
    paid, last = {}, None
    for currency, amount, day in database.execute_sql(
            _PAID_SQL, _params(client_id, as_of)):
        paid[currency] = amount
        day = dt.date.fromisoformat(day)
        last = day if last is None or day > last else last
    return paid, last


def _log_rows(client_id: int, as_of: dt.date) -> list[tuple]:
    return list(database.execute_sql(_LOG_SQL, _params(client_id, as_of)))


def _cost(client_id: int, as_of: dt.date, log_rows: list[tuple], debt: int,
          lifetime_paid: int) -> CollectionCost:
    minutes = sum(row[2] or 0 for row in log_rows)
    rate = int(load_profile().hourly_rate_agorot or 0)
    time_agorot = int((Decimal(minutes) * rate / 60).quantize(Decimal(1), ROUND_HALF_UP))
    expenses, count = {}, 0
    for currency, amount, n in database.execute_sql(
            _EXPENSES_SQL, _params(client_id, as_of)):
        expenses[currency] = amount
        count += n
    return CollectionCost(minutes, rate, time_agorot, expenses, count, max(0, debt),
                          lifetime_paid)


def _open_ils(client_id: int, as_of: dt.date) -> int:
    from models.queries.client_list import client_summaries

    summary = client_summaries(as_of, client_id).get(client_id)
    return summary.open_agorot.get("ILS", 0) if summary else 0


def collection_cost(client_id: int, as_of: dt.date) -> CollectionCost:
    """Minutes logged × hourly rate + expenses, as of the date, against debt and value."""
    _client(client_id)
    paid, _ = _lifetime_paid(client_id, as_of)
    return _cost(client_id, as_of, _log_rows(client_id, as_of), _open_ils(client_id, as_of),
                 paid.get("ILS", 0))


def _contacts(client_id: int, as_of: dt.date, rows: list[tuple]) -> ContactSummary:
    by_channel: Counter = Counter()
    tactics: Counter = Counter()
    last = None
    for channel, occurred, _minutes, codes in rows:
        by_channel[channel] += 1
        when = dt.datetime.fromisoformat(occurred)
        last = when if last is None or when > last else last
        for code in {t for t in (codes or "").split(",") if t}:
            tactics[code] += 1
    letters = database.execute_sql(
        "SELECT COUNT(*) FROM letter WHERE client_id = ? AND letter_date <= ?",
        (client_id, as_of.isoformat())).fetchone()[0]
    return ContactSummary(len(rows), dict(by_channel.most_common()),
                          last, sum(r[2] or 0 for r in rows), dict(tactics.most_common()),
                          letters)


def _negotiation(client_id: int) -> NegotiationSummary | None:
    from models.negotiation.negotiations import (
        CHECKLIST,
        STEPS,
        discount_limit,
        latest_negotiation,
    )

    n = latest_negotiation(client_id)
    if n is None:
        return None
    limit = discount_limit(n)
    return NegotiationSummary(
        n.opened_date, n.currency, n.opening_agorot, n.min_amount_agorot, n.max_instalments,
        n.latest_final_date, {k: bool(getattr(n, k)) for k in STEPS},
        {k: bool(getattr(n, k)) for k in CHECKLIST},
        limit[0] if limit else None, limit[1] if limit else None, n.notes)


def _settlement_lines(client_id: int, as_of: dt.date) -> tuple[list[str], bool]:
    """A sentence per settlement of the client; and whether one is breached."""
    from models.negotiation.settlement_status import state_name, statuses
    from models.negotiation.settlements import Settlement

    judged = {s.settlement.id: s for s in statuses(as_of, client_id=client_id,
                                                   include_drafts=True)}
    lines, breached = [], False
    for s in (Settlement.select().where(Settlement.client == client_id)
              .order_by(Settlement.agreement_date, Settlement.id)):
        status = judged.get(s.id)
        state = status.state if status else ("cancelled" if s.status == "cancelled" else "draft")
        breached = breached or state == "breached"
        text = _("Settlement of {date} for {amount} (debt {debt}), until {final_date}: "
                 "{state}.").format(
            date=format_date(s.agreement_date), amount=format_money(s.settled_agorot, s.currency),
            debt=format_money(s.debt_agorot, s.currency), final_date=format_date(s.final_date),
            state=state_name(state))
        if status and status.next_step:
            text += " " + status.next_step
        lines.append(text)
    return lines, breached


def indicator(*, relationship_years: float | None, lifetime_paid_agorot: int,
              share_paid_late: float | None, settled_invoices: int, promises: PromiseCounts,
              bounced_checks: int, oldest_overdue_days: int, tactics: dict[str, int],
              cost: CollectionCost, open_lawsuits: int, settlement_breached: bool,
              rules: IndicatorRules | None = None) -> Indicator:
    """Keep as a client or treat as a debtor, with the reasons each way."""
    rules = rules or IndicatorRules()
    keep, debtor = [], []
    if relationship_years is not None and relationship_years >= rules.long_relationship_years:
        keep.append(_("A long business relationship: {years} years since the first invoice.")
                    .format(years=f"{relationship_years:.1f}"))
    if lifetime_paid_agorot >= rules.large_value_agorot and lifetime_paid_agorot > 0:
        keep.append(_("A valuable client: has paid {amount} to date.").format(
            amount=format_money(lifetime_paid_agorot)))
    if share_paid_late is not None and settled_invoices >= 3:
        share = f"{share_paid_late:.0%}"
        if share_paid_late * 100 <= rules.late_share_percent:
            keep.append(_("Usually pays on time: {share} of the invoices were paid late.")
                        .format(share=share))
        else:
            debtor.append(_("Pays late as a rule: {share} of the invoices were paid late.")
                          .format(share=share))
    if promises.kept and not promises.broken:
        keep.append(_("Kept the payment promises given (kept: {count}).").format(
            count=promises.kept))
    if promises.broken:
        debtor.append(
            _("Broken payment promises: {count} (partly kept: {partly}).").format(
                count=promises.broken, partly=promises.partly_kept) if promises.partly_kept
            else _("Broken payment promises: {count}.").format(count=promises.broken))
    if bounced_checks:
        debtor.append(_("Bounced checks: {count}.").format(count=bounced_checks))
    if oldest_overdue_days >= rules.overdue_days:
        debtor.append(ngettext("A debt overdue by {count} day (over {limit}).",
                               "A debt overdue by {count} days (over {limit}).",
                               oldest_overdue_days).format(count=oldest_overdue_days,
                                                           limit=rules.overdue_days))
    if tactics.get("threats"):
        debtor.append(_("Conversations in which threats were noted: {count}.").format(
            count=tactics["threats"]))
    share = cost.share_of_debt_percent
    if share is not None and share > rules.cost_share_percent:
        debtor.append(_("The cost of collection so far ({cost}) is {share}% of the debt, "
                        "over {limit}%.").format(cost=format_money(cost.total_agorot),
                                                 share=share, limit=rules.cost_share_percent))
    if open_lawsuits:
        debtor.append(_("Open claims or counterclaims: {count}.").format(count=open_lawsuits))
    if settlement_breached:
        debtor.append(_("Breached a signed debt settlement."))
    if not debtor:
        verdict = "keep"
    elif not keep:
        verdict = "debtor"
    else:
        verdict = ("debtor" if len(debtor) > len(keep) else
                   "keep" if len(keep) > len(debtor) else "balanced")
    return Indicator(verdict, keep, debtor)


def _aging(invoices: list[OpenInvoice], boundaries: tuple[int, ...]) -> list[AgingLine]:
    """The open invoices in aging buckets, a line per currency (shekels first)."""
    by_currency: dict[str, list[int]] = {}
    for inv in invoices:
        buckets = by_currency.setdefault(inv.currency, [0] * (len(boundaries) + 2))
        buckets[bucket_index(inv.days_overdue, boundaries)] += inv.open_agorot
    return [AgingLine(c, by_currency[c], boundaries)
            for c in sorted(by_currency, key=lambda c: (c != "ILS", c))]


def build_case_file(client_id: int, as_of: dt.date) -> CaseFile:
    """The whole case file of one client as of the date."""
    from models.collection.handover import limitation_warning
    from models.contact.promises import evaluate_promises
    from models.negotiation.negotiations import (
        CASE_RECORD_KINDS,
        CASE_RECORD_STATUSES,
        RELATION_ROLES,
        RELATION_SIDES,
        CaseRecord,
        ClientRelation,
    )
    from models.queries.client_list import client_summaries

    client = _client(client_id)
    params = _params(client_id, as_of)
    profile = load_profile()
    boundaries = tuple(profile.aging_buckets or DEFAULT_BUCKETS)
    summary = client_summaries(as_of, client_id).get(client_id)
    open_agorot = dict(summary.open_agorot) if summary else {}
    overdue = dict(summary.overdue_agorot) if summary else {}
    credit = dict(summary.credit_agorot) if summary else {}

    invoiced, invoice_count, first_issue = {}, 0, None
    for currency, amount, count, first in database.execute_sql(_INVOICED_SQL, params):
        invoiced[currency] = amount
        invoice_count += count
        first = dt.date.fromisoformat(first)
        first_issue = first if first_issue is None or first < first_issue else first_issue
    paid, last_payment = _lifetime_paid(client_id, as_of)

    invoices = invoices_open_as_of(as_of, client_ids=[client_id], in_order=True)
    aging = _aging(invoices, boundaries)

    late_days, late_count, settled = 0, 0, 0
    for due, closed in database.execute_sql(_BEHAVIOUR_SQL, params):
        settled += 1
        late = (dt.date.fromisoformat(closed) - dt.date.fromisoformat(due)).days
        if late > 0:
            late_count += 1
            late_days += late
    bounced = [BouncedCheck(dt.date.fromisoformat(d), dt.date.fromisoformat(b), a, c, n)
               for d, b, a, c, n in database.execute_sql(_BOUNCED_SQL, params)]
    judged = evaluate_promises(as_of, client_id=client_id)
    promises = PromiseCounts.of(judged)
    broken_promises = [p for p in judged if p.is_broken]

    records = [CaseRecordLine(r.kind, CASE_RECORD_KINDS.get(r.kind, r.kind), r.record_date,
                              r.status, CASE_RECORD_STATUSES.get(r.status, r.status),
                              r.subject, r.notes)
               for r in CaseRecord.select().where((CaseRecord.client == client_id)
                                                  & (CaseRecord.record_date <= as_of))
               .order_by(CaseRecord.record_date, CaseRecord.id)]
    relations = [RelationLine(r.side, RELATION_SIDES.get(r.side, r.side), r.name, r.role,
                              RELATION_ROLES.get(r.role, r.role), r.notes)
                 for r in ClientRelation.select().where(ClientRelation.client == client_id)
                 .order_by(ClientRelation.side, ClientRelation.id)]

    log_rows = _log_rows(client_id, as_of)
    contacts = _contacts(client_id, as_of, log_rows)
    cost = _cost(client_id, as_of, log_rows, open_agorot.get("ILS", 0), paid.get("ILS", 0))
    settlement_lines, breached = _settlement_lines(client_id, as_of)
    years = (as_of - first_issue).days / 365.25 if first_issue else None
    share_late = late_count / settled if settled else None
    oldest_days = summary.oldest_overdue_days if summary else 0
    open_suits = sum(1 for r in records
                     if r.kind in ("lawsuit", "counter_claim") and r.status == "open")
    verdict = indicator(
        relationship_years=years, lifetime_paid_agorot=paid.get("ILS", 0),
        share_paid_late=share_late, settled_invoices=settled, promises=promises,
        bounced_checks=len(bounced), oldest_overdue_days=oldest_days,
        tactics=contacts.tactics, cost=cost, open_lawsuits=open_suits,
        settlement_breached=breached, rules=load_indicator_rules())
    notes = []
    if cost.hourly_rate_agorot <= 0:
        notes.append(_("No hourly rate is set in the business details: the time spent is "
                       "not included in the cost of collection."))
    return CaseFile(
        client_id=client.id, client_name=client.name, is_person=client.is_person,
        tax_id=client.tax_id, phone=client.phone, email=client.email,
        address=", ".join(x for x in (client.address, " ".join(
            y for y in (client.city, client.zip) if y)) if x),
        as_of=as_of, open_agorot=open_agorot, overdue_agorot=overdue, credit_agorot=credit,
        aging=aging, open_invoices=invoices, invoiced_agorot=invoiced, paid_agorot=paid,
        first_invoice_date=first_issue, invoice_count=invoice_count,
        average_days_late=(late_days / settled) if settled else None,
        share_paid_late=share_late, settled_invoices=settled, last_payment_date=last_payment,
        promises=promises, broken_promises=broken_promises, bounced_checks=bounced,
        case_records=records,
        disputed_invoices=[i for i in invoices if i.is_disputed], relations=relations,
        contacts=contacts, cost=cost, negotiation=_negotiation(client_id),
        settlement_lines=settlement_lines, indicator=verdict,
        limitation_warning=limitation_warning(client_id, as_of),
        oldest_overdue_days=oldest_days, notes=notes,
        next_step=next_step(client_id, as_of))
