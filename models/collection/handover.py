"""Handing a debt over (העברה לטיפול): which routes are open for a client as of a date,
what each needs, an estimated cost of each, and the limitation warning.

Routes (docs/domain.md, "Hand-over and limitation"; every figure is a field of `LegalRules`):
* small_claims     — small claims court: the debt ≤ the cap (37,700 ₪ as of 2024); not
                     open when the user's own business is a company (BusinessProfile
                     .business_type == "company").
* execution_claim  — a liquidated-amount claim at the Execution Office (§81א1): the debt
                     ≤ 75,000 ₪; written evidence of the debt (a signed settlement, or a
                     meeting summary from the letter archive — the user confirms it came
                     back signed); a final warning sent by registered mail at least 30
                     days before (RegisteredMail rows of final-warning letters).
* execution_check  — executing a bounced check or promissory note: a bounced check in the
                     ledger (payment.bounced_date by the date); the debtor then has 30
                     days to oppose.
* lawyer, agency   — a lawyer or a collection agency: always possible.
For a private person every route waits for the consumer debt-notice gate
(models.letters.archive.debt_notice_gate). Only shekel debts are counted (courts and the
Execution Office work in shekels); debts in other currencies are mentioned.

Costs are ESTIMATES: percent of the debt with a minimum, both settings.

Limitation: 7 years from the due date of the oldest open invoice; a warning from
`limitation_warn_months` (default 12) before it.

API:
    LegalRules, load_legal_rules(), save_legal_rules(rules)      settings key "legal_rules"
    handover_options(client_id, as_of) -> list[HandoverOption]
    limitation_date(client_id, as_of) -> date | None; limitation_warning(client_id, as_of) -> str | None
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from models.common.dates import format_date
from models.common.errors import ValidationError
from models.common.i18n import N_, _, ngettext
from models.common.money import format_money
from models.common.terms import add_months_end_exact
from models.db.connection import database
from models.db.settings import get_setting, load_profile, set_setting
from models.ledger.clients import require_client
from models.ledger.open_as_of import BOUNCED_BY, COUNTED_INVOICE, allocated
from models.prevention.policy import days_text

SETTINGS_KEY = "legal_rules"
# Every text of a route (its name, requirements, notes, cost note) and the limitation
# warning is translated when the HandoverOption is built: the hand-over screen builds it
# in the interface language, the case file and the dossier build their own inside
# translated_as("he"), so the same sentences print in Hebrew.
ROUTE_NAMES = {
    "small_claims": N_("A claim in the small claims court"),
    "execution_claim": N_("A liquidated-amount claim at the Execution Office"),
    "execution_check": N_("Executing a bounced check or promissory note at the Execution Office"),
    "lawyer": N_("Hand over to a lawyer"),
    "agency": N_("Hand over to a collection agency"),
}
_PERCENT_FIELDS = ("small_claims_fee_percent", "execution_claim_fee_percent",
                   "execution_check_fee_percent", "lawyer_fee_percent", "agency_fee_percent")


@dataclass
class LegalRules:
    """Caps, periods and estimated fees of the hand-over routes (all settings)."""
    small_claims_cap_agorot: int = 3_770_000       # 37,700 ₪ (2024; updated periodically)
    execution_claim_cap_agorot: int = 7_500_000    # 75,000 ₪, §81א1
    warning_wait_days: int = 30                    # registered warning → filing
    check_opposition_days: int = 30                # bounced check: time to oppose
    limitation_years: int = 7
    limitation_warn_months: int = 12
    # Estimated cost: percent of the debt, at least the minimum (agorot). Estimates only.
    small_claims_fee_percent: str = "1"
    small_claims_fee_min_agorot: int = 5_000
    execution_claim_fee_percent: str = "2"
    execution_claim_fee_min_agorot: int = 10_000
    execution_check_fee_percent: str = "2"
    execution_check_fee_min_agorot: int = 10_000
    lawyer_fee_percent: str = "15"
    lawyer_fee_min_agorot: int = 150_000
    agency_fee_percent: str = "20"
    agency_fee_min_agorot: int = 50_000

    def percent(self, name: str) -> Decimal:
        return Decimal(str(getattr(self, name)).strip() or "0")

    def validate(self) -> "LegalRules":
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _PERCENT_FIELDS:
                try:
                    rate = self.percent(f.name)
                except InvalidOperation:
                    raise ValidationError(_("The percentage '{value}' is not a number.").format(
                        value=value), field=f.name) from None
                if not Decimal(0) <= rate <= Decimal(100):
                    raise ValidationError(_("A fee percentage must be from 0 to 100."),
                                          field=f.name)
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValidationError(
                    _("The setting {name} must be a whole number, not negative.").format(
                        name=f.name), field=f.name)
        if not 1 <= self.limitation_years <= 30:
            raise ValidationError(_("The limitation period must be from 1 to 30 years."),
                                  field="limitation_years")
        if self.limitation_warn_months > 60:
            raise ValidationError(_("The limitation warning: at most 60 months ahead."),
                                  field="limitation_warn_months")
        for name in ("warning_wait_days", "check_opposition_days"):
            if getattr(self, name) > 365:
                raise ValidationError(_("The number of days must be from 0 to 365."), field=name)
        return self


def load_legal_rules() -> LegalRules:
    stored = get_setting(SETTINGS_KEY, {}) or {}
    known = {f.name for f in fields(LegalRules)}
    return LegalRules(**{k: v for k, v in stored.items() if k in known})


def save_legal_rules(rules: LegalRules) -> None:
    set_setting(SETTINGS_KEY, asdict(rules.validate()))


# ---- what the routes read ------------------------------------------------------------

@dataclass(frozen=True)
class Requirement:
    text: str
    is_met: bool


@dataclass(frozen=True)
class HandoverOption:
    code: str                        # ROUTE_NAMES
    name: str
    is_available: bool
    requirements: list[Requirement]  # what the route needs, each met or not
    amount_agorot: int               # the shekel amount the route would pursue
    estimated_cost_agorot: int
    cost_note: str                   # how the estimate was made (_cost_note)
    notes: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [r.text for r in self.requirements if not r.is_met]

    @property
    def cost_share_percent(self) -> Decimal | None:
        if not self.amount_agorot:
            return None
        return (Decimal(self.estimated_cost_agorot) * 100 / self.amount_agorot).quantize(
            Decimal("0.1"))


def estimated_cost(amount_agorot: int, percent: Decimal, minimum_agorot: int) -> int:
    fee = (Decimal(amount_agorot) * percent / 100).quantize(Decimal(1), ROUND_HALF_UP)
    return max(int(fee), minimum_agorot) if amount_agorot > 0 else 0


def _years(n: int) -> str:
    return ngettext("{count} year", "{count} years", n).format(count=n)


def _cost_note(percent: Decimal, minimum: int) -> str:
    return _("An estimate only: {rate}% of the amount, and not less than {minimum}. The "
             "actual cost depends on the court fees and on the fee agreement.").format(
        rate=f"{percent.normalize():f}", minimum=format_money(minimum))


_FACTS_SQL = f"""
SELECT
  (SELECT COUNT(*) FROM settlement WHERE client_id = :c AND signed_date IS NOT NULL
          AND signed_date <= :d),
  (SELECT COUNT(*) FROM letter WHERE client_id = :c AND kind = 'meeting-summary'
          AND letter_date <= :d),
  (SELECT MAX(rm.sent_date) FROM registered_mail rm JOIN letter l ON l.id = rm.letter_id
          WHERE l.client_id = :c AND l.kind = 'final-warning' AND rm.sent_date <= :d),
  (SELECT COUNT(*) FROM letter WHERE client_id = :c AND kind = 'final-warning'
          AND letter_date <= :d),
  (SELECT COALESCE(SUM(amount_agorot), 0) FROM payment WHERE client_id = :c
          AND method = 'check' AND {BOUNCED_BY} AND currency = 'ILS'),
  (SELECT COUNT(*) FROM payment WHERE client_id = :c AND method = 'check' AND {BOUNCED_BY}),
  (SELECT MIN(bounced_date) FROM payment WHERE client_id = :c AND method = 'check'
          AND {BOUNCED_BY})
"""


def shekel_debt(client_id: int, as_of: dt.date) -> tuple[int, dict[str, int]]:
    """(overdue shekels less credit on account, other currencies' overdue amounts)."""
    from models.queries.client_list import client_summaries

    summary = client_summaries(as_of, client_id).get(client_id)
    if summary is None:
        return 0, {}
    ils = summary.overdue_agorot.get("ILS", 0) - summary.credit_agorot.get("ILS", 0)
    ils = max(0, min(ils, summary.open_agorot.get("ILS", 0)))
    others = {c: v for c, v in summary.overdue_agorot.items() if c != "ILS" and v > 0}
    return ils, others


def handover_options(client_id: int, as_of: dt.date) -> list[HandoverOption]:
    """Every route, available or not, with its requirements and an estimated cost, its
    texts in the language in force."""
    from models.letters.archive import debt_notice_gate

    client = require_client(client_id)
    rules, profile = load_legal_rules(), load_profile()
    debt, others = shekel_debt(client_id, as_of)
    (signed_settlements, summaries, warning_sent, warnings_printed, bounced_agorot,
     bounced_count, first_bounce) = database.execute_sql(
        _FACTS_SQL, {"c": client_id, "d": as_of.isoformat()}).fetchone()
    common = [Requirement(_("An overdue debt in shekels: {amount}").format(
        amount=format_money(debt)), debt > 0)]
    if client.is_person:
        gate = debt_notice_gate(client, as_of)
        text = _("For a private person: the debt notice under the Consumer Protection Law was "
                 "sent, and the waiting days have passed since")
        common.append(Requirement(text if gate.is_open else f"{text} — {gate.message}",
                                  gate.is_open))
    notes = []
    if others:
        notes.append(_("Debts in foreign currencies are not included in the amount: "
                       "{amounts}.").format(amounts=", ".join(
                           format_money(v, c) for c, v in sorted(others.items()))))

    def option(code: str, needs: list[Requirement], amount: int, fee: str,
               extra: list[str] = ()) -> HandoverOption:
        percent, minimum = rules.percent(f"{fee}_fee_percent"), getattr(rules, f"{fee}_fee_min_agorot")
        requirements = common + needs
        return HandoverOption(code, _(ROUTE_NAMES[code]), all(r.is_met for r in requirements),
                              requirements, amount, estimated_cost(amount, percent, minimum),
                              _cost_note(percent, minimum), [*notes, *extra])

    cap = rules.small_claims_cap_agorot
    options = [option("small_claims", [
        Requirement(_("The debt does not exceed the small claims cap ({cap})").format(
            cap=format_money(cap)), debt <= cap),
        Requirement(_("Your business is not a company (a company may not sue in the small "
                      "claims court)"), profile.business_type != "company"),
    ], debt, "small_claims")]
    warned = dt.date.fromisoformat(warning_sent) if warning_sent else None
    options.append(option("execution_claim", [
        Requirement(_("The debt does not exceed {cap}").format(
            cap=format_money(rules.execution_claim_cap_agorot)),
            debt <= rules.execution_claim_cap_agorot),
        _evidence_requirement(bool(signed_settlements), bool(summaries)),
        _warning_requirement(warned, bool(warnings_printed), rules.warning_wait_days, as_of),
    ], debt, "execution_claim"))
    check_amount = min(bounced_agorot, debt) if bounced_agorot else 0
    options.append(option("execution_check", [_check_requirement(bounced_count, first_bounce)],
                          check_amount, "execution_check",
                          [_("The debtor has {days} to file an opposition.").format(
                              days=days_text(rules.check_opposition_days))]))
    options.append(option("lawyer", [], debt, "lawyer"))
    options.append(option("agency", [], debt, "agency"))
    return options


def _evidence_requirement(signed_settlements: bool, summaries: bool) -> Requirement:
    text = _("Written evidence of the debt: a signed settlement, or a meeting summary signed "
             "by the client")
    if not signed_settlements and summaries:
        text += " " + _("(the archive holds a meeting summary: make sure it came back signed)")
    return Requirement(text, signed_settlements or summaries)


def _warning_requirement(warned: dt.date | None, printed: bool, wait: int,
                         as_of: dt.date) -> Requirement:
    """A final warning by registered mail at least `wait` days before filing."""
    text = _("A final warning before legal proceedings was sent by registered mail at least "
             "{days} before filing").format(days=days_text(wait))
    ready = warned + dt.timedelta(days=wait) if warned else None
    if warned:
        text += " " + _("(sent on {sent}; filing is possible from {ready})").format(
            sent=format_date(warned), ready=format_date(ready))
    elif printed:
        text += " " + _("(a warning letter was produced, but its sending by registered mail "
                        "was not recorded)")
    return Requirement(text, bool(ready and ready <= as_of))


def _check_requirement(bounced_count: int, first_bounce: str | None) -> Requirement:
    if not bounced_count:
        return Requirement(_("A bounced check (or promissory note) of the client"), False)
    return Requirement(ngettext(
        "A bounced check (or promissory note) of the client: one check bounced, on {first}",
        "A bounced check (or promissory note) of the client: {count} checks bounced, the "
        "first on {first}", bounced_count).format(
            count=bounced_count, first=format_date(dt.date.fromisoformat(first_bounce))), True)


# ---- limitation -------------------------------------------------------------------------

_OLDEST_OPEN_SQL = f"""
SELECT MIN(i.due_date) FROM invoice i
WHERE i.client_id = :c AND {COUNTED_INVOICE} AND i.amount_agorot > {allocated()}
"""


def oldest_open_due_date(client_id: int, as_of: dt.date) -> dt.date | None:
    value = database.execute_sql(
        _OLDEST_OPEN_SQL, {"c": client_id, "d": as_of.isoformat()}).fetchone()[0]
    return dt.date.fromisoformat(value) if value else None


def limitation_date(client_id: int, as_of: dt.date) -> dt.date | None:
    """When the oldest open invoice becomes time-barred (its due date + the years)."""
    oldest = oldest_open_due_date(client_id, as_of)
    if oldest is None:
        return None
    return add_months_end_exact(oldest, 12 * load_legal_rules().limitation_years)


def limitation_warning(client_id: int, as_of: dt.date) -> str | None:
    """A warning, in the language in force, when the limitation date is within the warning
    months, or past (the screens show it; the case file and the dossier print it in Hebrew)."""
    require_client(client_id)
    rules = load_legal_rules()
    oldest = oldest_open_due_date(client_id, as_of)
    if oldest is None:
        return None
    barred = add_months_end_exact(oldest, 12 * rules.limitation_years)
    warn_from = add_months_end_exact(barred, -rules.limitation_warn_months)
    if as_of < warn_from:
        return None
    if as_of >= barred:
        return _("The oldest open invoice (due by {due}) passed the limitation period "
                 "({years}) on {barred}. Consult a lawyer before any legal step.").format(
            due=format_date(oldest), years=_years(rules.limitation_years),
            barred=format_date(barred))
    return _("Note: the oldest debt (due by {due}) becomes time-barred on {barred}, in "
             "{days}. To keep the right to sue, act before that date (a signed settlement "
             "or filing a claim).").format(due=format_date(oldest), barred=format_date(barred),
                                           days=days_text((barred - as_of).days))
