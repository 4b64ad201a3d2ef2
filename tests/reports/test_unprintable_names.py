"""A name stored before names were checked at entry (an emoji, Chinese) never prints as
'?': the letter is refused with the characters named, and a batch goes on without it."""
import datetime as dt

import pytest
from factory import setup_business

from models.db.connection import database
from models.ledger import services
from reports.batch import produce_letters
from reports.letters import NothingToSend

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture
def two_debtors(db):
    setup_business()
    ids = []
    for name in ("אלון שירותים בע\"מ", "ברוש מערכות בע\"מ"):
        client = services.add_client(name=name, kind="company", address="הרצל 1",
                                     city="חולון", zip="5810001")
        services.add_invoice(client.id, f"{100 + client.id}", dt.date(2026, 8, 1), "5000")
        ids.append(client.id)
    # as an older version stored it, before the check at entry
    database.execute_sql("UPDATE client SET address = ? WHERE id = ?", ("הרצל 1 🏢", ids[0]))
    return ids


def test_a_letter_to_an_unprintable_address_is_refused_naming_the_character(two_debtors):
    with pytest.raises(NothingToSend, match="🏢") as refused:
        produce_letters("reminder", [two_debtors[0]], AS_OF, strict=True)
    assert "כתובת" in str(refused.value) and "כרטיס הלקוח" in str(refused.value)


def test_a_batch_leaves_that_client_out_and_writes_the_others(two_debtors):
    result = produce_letters("reminder", two_debtors, AS_OF)
    assert [(c, "🏢" in why) for c, _name, why in result.skipped] == [(two_debtors[0], True)]
    assert result.archive_path is not None
