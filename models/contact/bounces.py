"""A check that came back (שיק חוזר), as the user records it: why the bank returned it,
the bank's fee, and an entry in the contact log — together, or not at all.

    record_bounce(payment_id, bounced_date, reason, note=, fee=) -> BounceRecord

The ledger's part is models.ledger.services.bounce_payment (the allocations stop counting
from that day, the reason is kept on the payment, the fee becomes a fee line on the debt);
this module adds the evidence: a log entry dated the day the check came back, saying
which check, why, and the fee charged, so the timeline and the case file show it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.common.dates import format_date
from models.common.errors import ValidationError
from models.common.i18n import _
from models.common.money import format_money
from models.contact.contact_log import FUTURE_SLACK, ContactLogEntry, as_datetime, log_contact
from models.db.concurrency import retried
from models.db.connection import database
from models.ledger import services
from models.ledger.invoices import Invoice
from models.ledger.payments import BOUNCE_REASONS, Payment


@dataclass(frozen=True)
class BounceRecord:
    payment: Payment
    fee_line: Invoice | None   # the bank fee added to the debt, if one was charged
    entry: ContactLogEntry     # the contact log's entry for the bounce


def reason_text(reason: str, note: str = "") -> str:
    """Why the check came back, in words: the bank's reason, and the user's note."""
    name = BOUNCE_REASONS.get(reason, reason) if reason else ""
    if reason == "other" and note:
        return note
    return f"{name} ({note})" if name and note else name or note


@retried
def record_bounce(payment_id: int, bounced_date: dt.date, reason: str, *, note: str = "",
                  fee=None, recorded_at: dt.datetime | None = None) -> BounceRecord:
    """Mark the check as bounced with its reason and the bank's fee, and log it."""
    if not reason:
        raise ValidationError(_("Please choose why the check came back."), field="reason")
    if as_datetime(bounced_date) > as_datetime(recorded_at or dt.datetime.now()) + FUTURE_SLACK:
        raise ValidationError(_("The day the check came back is still to come; a bounce is "
                                "recorded once the bank has returned the check."),
                              field="bounced_date")
    with database.atomic():
        payment = services.bounce_payment(payment_id, bounced_date, reason=reason, note=note,
                                          fee=fee)
        fee_line = payment.bounce_fee_invoice
        summary = _("Check {number} of {amount}, received on {received}, came back from the "
                    "bank. Reason: {reason}.").format(
            number=payment.check_number, amount=format_money(payment.amount_agorot,
                                                             payment.currency),
            received=format_date(payment.date),
            reason=reason_text(payment.bounce_reason, payment.bounce_note))
        if fee_line is not None:
            summary += " " + _("The bank's fee of {fee} was added to the debt ({number}).").format(
                fee=format_money(fee_line.amount_agorot, fee_line.currency),
                number=fee_line.number)
        entry = log_contact(payment.client_id, bounced_date, "other", direction="in",
                            summary=summary, recorded_at=recorded_at)
        return BounceRecord(payment, fee_line, entry)
