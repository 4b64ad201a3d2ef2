"""Public payers (a public body, a local authority: models.ledger.clients.PUBLIC_KINDS) and
the Payment Ethics to Suppliers law (חוק מוסר תשלומים לספקים, 2017), for one client.

    legal_limit(kind) -> str | None                       the maximum term, from the policy
    terms_warning(kind, terms, issue_date) -> str         '' when the terms are within it

The limits are the policy's (models.prevention.deposits.load_policy: public_body_max_terms,
local_authority_max_terms); the rule is models.prevention.policy's (legal_max_terms,
exceeds_legal_limit, legal_note). The client form warns with terms_warning as the terms
or the kind are typed; the payment-terms guide recommends the limit for such a client.
"""
from __future__ import annotations

import datetime as dt

from models.common.errors import GviaError
from models.common.i18n import _
from models.common.text import clean_text
from models.db.settings import load_profile
from models.prevention.deposits import load_policy
from models.prevention.policy import exceeds_legal_limit, legal_max_terms, legal_note


def legal_limit(kind: str) -> str | None:
    """The longest term the law lets a payer of this kind agree to; None for others."""
    return legal_max_terms(kind, load_policy())


def terms_warning(kind: str, terms: str | None, issue_date: dt.date) -> str:
    """What to tell the user when `terms` (empty: the business's default terms) would make
    an invoice issued on `issue_date` due later than the law allows this payer; '' when
    they are within the limit, the payer is not public, or the terms cannot be read (the
    form reports that itself)."""
    policy = load_policy()
    if legal_max_terms(kind, policy) is None:
        return ""
    profile = load_profile()
    chosen = clean_text(terms or "") or profile.default_terms
    try:
        over = exceeds_legal_limit(chosen, kind, policy, issue_date,
                                   eom_reading=profile.eom_reading)
    except GviaError:
        return ""
    if not over:
        return ""
    return " ".join((_("These terms ({terms}) are longer than the law allows this payer.")
                     .format(terms=chosen), legal_note(kind, policy)))
