"""Preventing debts before the work starts: which payment terms and how much deposit
(מקדמה) to ask of a client, with the reasons in plain Hebrew — pure rules, no database.

What the recommendation weighs, in this order:
1. Who pays. A public body or a local authority is bound by the Payment Ethics to
   Suppliers law (חוק מוסר תשלומים לספקים, 2017): it must pay within a maximum term
   (by default שוטף+30 for public bodies, שוטף+45 for local authorities — settings, since
   the rule has exceptions and may change), a later date cannot be agreed, and late payment
   earns linkage differentials and interest. We recommend that maximum and no deposit.
2. The client's own history: a bounced check, a broken promise, or an average delay above
   the policy's threshold is a "late history" → payment in advance (the late-history
   deposit, 100% by default) and immediate terms. A small average delay shortens the terms.
3. A new client (nothing settled yet) → the new-client deposit (30%).
4. A private person → immediate terms: collecting from a person later is slow (the
   consumer-law debt notice and its waiting period come first).
5. A large job (from the policy's amount) → at least the large-job deposit (50%).
The deposit is the highest percentage any rule asks for; every rule that applied adds
its sentence to the reasons.

Public API:
    PAYER_KINDS, PaymentHistory, PreventionPolicy, Recommendation
    recommend_terms(history, kind, job_amount_agorot, policy) -> Recommendation
    deposit_for(job_amount_agorot, percent) -> int
    legal_max_terms(kind, policy) -> str | None; exceeds_legal_limit(terms, kind, policy, issue_date)
    legal_note(kind, policy) -> str; explain_terms(terms) -> str
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.common.errors import ValidationError
from models.common.i18n import N_, _, ngettext
from models.common.money import format_amount
from models.common.terms import DEFAULT_TERMS, EOM_DAYS, Terms, due_date, parse_terms

# Who pays: a client's own kind (models.ledger.clients.CLIENT_KINDS, whose PUBLIC_KINDS
# the law binds), a business worded for the guide.
PAYER_KINDS = {  # translated where shown: payer_name
    "person": N_("Private person"),
    "company": N_("Business (company or self-employed)"),
    "public_body": N_("Public body (ministry, statutory corporation)"),
    "local_authority": N_("Local authority"),
}


@dataclass(frozen=True)
class PaymentHistory:
    """What is known about how a client paid (models.prevention.payment_history builds it)."""
    settled_invoices: int = 0
    average_days_late: float | None = None
    late_invoices: int = 0
    broken_promises: int = 0
    bounced_checks: int = 0

    @property
    def is_new(self) -> bool:
        return self.settled_invoices == 0


@dataclass
class PreventionPolicy:
    """The user's policy (stored by models.prevention.deposits.save_policy). Percentages are whole."""
    new_client_deposit_percent: int = 30
    large_job_agorot: int = 2_000_000  # 20,000 ₪
    large_job_deposit_percent: int = 50
    late_history_deposit_percent: int = 100
    late_days_threshold: int = 30  # average days late above this is a "late history"
    business_terms: str = DEFAULT_TERMS
    careful_terms: str = "נטו 14"  # hebrew: terms; for a client who pays a little late
    person_terms: str = "מיידי"  # hebrew: terms
    late_history_terms: str = "מיידי"  # hebrew: terms
    public_body_max_terms: str = "שוטף+30"  # hebrew: terms
    local_authority_max_terms: str = "שוטף+45"  # hebrew: terms

    def validate(self) -> "PreventionPolicy":
        for name in ("new_client_deposit_percent", "large_job_deposit_percent",
                     "late_history_deposit_percent"):
            value = getattr(self, name)
            if not isinstance(value, int) or not 0 <= value <= 100:
                raise ValidationError(_("A deposit percentage must be a whole number between "
                                        "0 and 100."), field=name)
        if not isinstance(self.large_job_agorot, int) or self.large_job_agorot < 0:
            raise ValidationError(_("The large-job amount cannot be negative."),
                                  field="large_job_agorot")
        if not isinstance(self.late_days_threshold, int) or not 0 <= self.late_days_threshold <= 365:
            raise ValidationError(_("The late-days threshold must be between 0 and 365."),
                                  field="late_days_threshold")
        for name in ("business_terms", "careful_terms", "person_terms", "late_history_terms",
                     "public_body_max_terms", "local_authority_max_terms"):
            setattr(self, name, str(parse_terms(getattr(self, name))))
        return self


@dataclass(frozen=True)
class Recommendation:
    terms: str
    deposit_percent: int
    deposit_agorot: int
    reasons: list[str] = field(default_factory=list)
    legal_note: str = ""
    max_terms: str | None = None


def payer_name(kind: str) -> str:
    return _(PAYER_KINDS[kind])


def days_text(days: int) -> str:
    return ngettext("{count} day", "{count} days", days).format(count=days)


def deposit_for(job_amount_agorot: int, percent: int) -> int:
    """`percent` of the job, rounded half up to whole agorot (integers only)."""
    return (job_amount_agorot * percent + 50) // 100


def legal_max_terms(kind: str, policy: PreventionPolicy) -> str | None:
    if kind == "public_body":
        return policy.public_body_max_terms
    if kind == "local_authority":
        return policy.local_authority_max_terms
    return None


def legal_note(kind: str, policy: PreventionPolicy) -> str:
    limit = legal_max_terms(kind, policy)
    if limit is None:
        return ""
    # a whole sentence per kind: the Hebrew verb agrees with the payer (רשות is feminine)
    who = (_("Under the Suppliers Payment Law (2017), a public body (a ministry or statutory "
             "corporation) must pay a supplier within {limit} at the latest.")
           if kind == "public_body" else
           _("Under the Suppliers Payment Law (2017), a local authority must pay a supplier "
             "within {limit} at the latest."))
    return " ".join((who.format(limit=limit), _(
        "A later date cannot be agreed, and late payment entitles you to linkage differences "
        "and interest. The limit is kept in the settings: check it against the law and the "
        "tender or order documents.")))


def exceeds_legal_limit(terms: str | Terms, kind: str, policy: PreventionPolicy,
                        issue_date: dt.date, *, eom_reading: str = EOM_DAYS) -> bool:
    """Would `terms` make an invoice issued on `issue_date` due later than the law allows?"""
    limit = legal_max_terms(kind, policy)
    if limit is None:
        return False
    return (due_date(issue_date, terms, eom_reading=eom_reading)
            > due_date(issue_date, limit, eom_reading=eom_reading))


def explain_terms(terms: str | Terms) -> str:
    """The terms in one plain sentence (the terms guide shows it; a letter prints it, in
    Hebrew, from inside its translated_as block)."""
    t = terms if isinstance(terms, Terms) else parse_terms(terms)
    if t.kind == "immediate":
        return _("Immediate: payment is due on the day the invoice is issued, for example "
                 "when the work is delivered.")
    if t.kind == "net":
        return _("Net {days}: payment is due {days} days after the invoice date, whatever "
                 "the day the month ends.").format(days=t.days)
    return _("End of month + {days}: {days} days are counted from the end of the month in "
             "which the invoice was issued, so an invoice from the start of a month waits "
             "longer than one from its end.").format(days=t.days)


def _is_late_history(history: PaymentHistory, policy: PreventionPolicy) -> list[str]:
    reasons = []
    if history.bounced_checks:
        reasons.append(ngettext(
            "The client has had a bounced check; payment in advance is safer than chasing "
            "the debt.",
            "The client has had {count} bounced checks; payment in advance is safer than "
            "chasing the debt.", history.bounced_checks).format(count=history.bounced_checks))
    if history.broken_promises:
        reasons.append(ngettext(
            "The client broke a payment promise.",
            "The client broke {count} payment promises.",
            history.broken_promises).format(count=history.broken_promises))
    late = history.average_days_late
    if late is not None and late > policy.late_days_threshold:
        reasons.append(_("On average the client paid {days} after the due date, above the "
                         "threshold you set ({threshold}).").format(
            days=days_text(round(late)), threshold=days_text(policy.late_days_threshold)))
    return reasons


def recommend_terms(history: PaymentHistory, kind: str, job_amount_agorot: int,
                    policy: PreventionPolicy) -> Recommendation:
    """Terms and deposit for the next job of a client, with the reasons (module docstring)."""
    if kind not in PAYER_KINDS:
        raise ValidationError(_("Unknown payer kind: {kind}.").format(kind=kind), field="kind")
    if job_amount_agorot < 0:
        raise ValidationError(_("The job amount cannot be negative."), field="job_amount")
    limit = legal_max_terms(kind, policy)
    if limit is not None:
        bound = (_("A public body (a ministry or statutory corporation) is required by law to "
                   "pay within {limit}; these are the recommended terms.")
                 if kind == "public_body" else
                 _("A local authority is required by law to pay within {limit}; these are the "
                   "recommended terms."))
        reasons = [bound.format(limit=limit),
                   _("Public bodies do not usually pay deposits; the law itself protects the "
                     "payment date.")]
        return Recommendation(limit, 0, 0, reasons, legal_note(kind, policy), limit)

    reasons: list[str] = []
    percents = [0]
    terms = policy.person_terms if kind == "person" else policy.business_terms
    late_reasons = _is_late_history(history, policy)
    if late_reasons:
        reasons += late_reasons
        reasons.append(_("So it is best to ask for {percent}% in advance and to set the terms "
                         "to {terms}.").format(percent=policy.late_history_deposit_percent,
                                               terms=policy.late_history_terms))
        percents.append(policy.late_history_deposit_percent)
        terms = policy.late_history_terms
    elif history.is_new:
        reasons.append(_("A new client with no payment history: a deposit of {percent}% under "
                         "your policy.").format(percent=policy.new_client_deposit_percent))
        percents.append(policy.new_client_deposit_percent)
    elif history.average_days_late:
        reasons.append(_("The client pays a little late (on average {days}): shorter terms, "
                         "{terms}, and a reminder before the due date.").format(
            days=days_text(round(history.average_days_late)), terms=policy.careful_terms))
        if kind != "person":
            terms = policy.careful_terms
    else:
        reasons.append(ngettext(
            "The client paid their one settled invoice on time; no deposit is needed.",
            "The client paid all {count} settled invoices on time; no deposit is needed.",
            history.settled_invoices).format(count=history.settled_invoices))
    if kind == "person" and not late_reasons:
        reasons.append(_("A private person: payment {terms} is recommended. Collecting late "
                         "from a private person first requires a debt notice and a waiting "
                         "period under the Consumer Protection Law.").format(
            terms=policy.person_terms))
    if policy.large_job_agorot and job_amount_agorot >= policy.large_job_agorot:
        reasons.append(_("A large job ({amount} ₪, above {threshold} ₪): a deposit of at least "
                         "{percent}%.").format(amount=format_amount(job_amount_agorot),
                                               threshold=format_amount(policy.large_job_agorot),
                                               percent=policy.large_job_deposit_percent))
        percents.append(policy.large_job_deposit_percent)
    percent = max(percents)
    return Recommendation(str(parse_terms(terms)), percent,
                          deposit_for(job_amount_agorot, percent), reasons)
