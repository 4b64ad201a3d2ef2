"""A public body (גוף ציבורי) and a local authority are client kinds of their own: stored,
named, written to like a business, and bound by the Payment Ethics to Suppliers law — the
terms guide recommends their legal maximum, and terms beyond it are pointed out."""
import datetime as dt

import pytest

from models.common.errors import ValidationError
from models.ledger import services
from models.ledger.clients import CLIENT_KINDS, PUBLIC_KINDS, Client
from models.prevention.deposits import load_policy, save_policy
from models.prevention.payment_history import client_history
from models.prevention.policy import PAYER_KINDS, recommend_terms
from models.prevention.public_payers import legal_limit, terms_warning
from reports.letter_data import load_letter_data

D = dt.date
AS_OF = D(2026, 11, 22)


def test_every_client_kind_is_a_payer_kind_of_the_terms_guide():
    assert set(CLIENT_KINDS) == set(PAYER_KINDS)
    assert set(PUBLIC_KINDS) == {"public_body", "local_authority"}


def test_a_public_body_is_stored_named_and_addressed_as_a_business(db):
    ministry = services.add_client(name="משרד הבריאות", kind="public_body")
    town = services.add_client(name="עיריית חולון", kind="local_authority")
    assert Client.get_by_id(ministry.id).kind == "public_body" and ministry.is_public
    assert CLIENT_KINDS[town.kind] == "רשות מקומית"
    assert CLIENT_KINDS[ministry.kind] == "גוף ציבורי (משרד ממשלתי, תאגיד סטטוטורי)"
    assert not load_letter_data([ministry.id], AS_OF)[ministry.id].is_person  # the plural
    person = services.add_client(name="דנה לוי", kind="person")
    services.update_client(person.id, kind="local_authority")
    assert Client.get_by_id(person.id).kind == "local_authority"
    with pytest.raises(ValidationError) as err:
        services.add_client(name="גוף אחר", kind="government")
    assert err.value.field == "kind"


def test_a_public_body_gets_the_public_body_limits(db):
    ministry = services.add_client(name="משרד הבריאות", kind="public_body")
    town = services.add_client(name="עיריית חולון", kind="local_authority")
    policy = load_policy()
    for client, limit in ((ministry, "שוטף+30"), (town, "שוטף+45")):
        rec = recommend_terms(client_history(client.id, AS_OF), client.kind, 5_000_000, policy)
        assert (rec.terms, rec.max_terms, rec.deposit_percent) == (limit, limit, 0)
        assert "חוק מוסר תשלומים" in rec.legal_note or "2017" in rec.legal_note
        assert legal_limit(client.kind) == limit
    # The limits are settings: the guide follows them.
    policy.public_body_max_terms = "שוטף+15"
    save_policy(policy)
    assert legal_limit("public_body") == "שוטף+15"
    assert legal_limit("company") is None


def test_terms_beyond_the_legal_limit_are_pointed_out(db):
    assert terms_warning("public_body", "שוטף+60", AS_OF).startswith(
        "תנאי התשלום (שוטף+60) ארוכים ממה שהחוק מתיר")
    assert terms_warning("public_body", "שוטף+30", AS_OF) == ""
    assert terms_warning("local_authority", "נטו 60", AS_OF) != ""   # 21/01 after 14/01
    assert terms_warning("local_authority", "שוטף+45", AS_OF) == ""
    assert terms_warning("company", "שוטף+90", AS_OF) == ""          # no law limits a business
    assert terms_warning("public_body", "", AS_OF) == ""              # the default, שוטף+30
    assert terms_warning("public_body", "not terms", AS_OF) == ""     # the form says it itself
