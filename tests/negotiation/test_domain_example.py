"""The worked example of docs/domain.md, "Settlements", as the code has it: the dates moved
to a business day, the breach from the day after due date + grace, a late payment that does
not cure it, the balance due with the discount, reinstating, and a second breach."""
import datetime as dt

from models.ledger import services
from models.negotiation import settlement_status as ss
from models.negotiation import settlements as st

D = dt.date


def test_the_settlement_example_of_the_domain_doc(db):
    client = services.add_client(name="לקוח הדוגמה", kind="company")
    invoices = [services.add_invoice(client.id, "101", D(2026, 3, 1), "6000"),
                services.add_invoice(client.id, "102", D(2026, 4, 1), "4000")]
    s = st.create_settlement(client.id, [i.id for i in invoices], D(2026, 6, 15),
                             discount_agorot=100000, instalment_count=3)
    st.sign_settlement(s.id, D(2026, 6, 15))
    assert [(l.due_date, l.amount_agorot) for l in st.instalments(s.id)] == [
        (D(2026, 7, 15), 300000), (D(2026, 8, 16), 300000), (D(2026, 9, 15), 300000)]

    def state(day):
        status = ss.settlement_status(s.id, day)
        return status.state, status.breached_on, status.covered_open_agorot

    st.record_instalment_payment(s.id, D(2026, 7, 15), "3000")
    assert state(D(2026, 7, 19)) == ("active", None, 700000)
    assert set(ss.settled_invoice_pauses(D(2026, 7, 19), client.id)) == {i.id for i in invoices}
    assert state(D(2026, 8, 19)) == ("active", None, 700000)       # the deadline, 16/08 + 3
    assert state(D(2026, 8, 20)) == ("breached", D(2026, 8, 20), 700000)  # discount included
    st.record_instalment_payment(s.id, D(2026, 9, 1), "3000")       # late
    assert state(D(2026, 9, 2)) == ("breached", D(2026, 8, 20), 400000)
    assert ss.settled_invoice_pauses(D(2026, 9, 2), client.id) == {}
    ss.reinstate_settlement(s.id, D(2026, 9, 2), "שילם את התשלום השני")
    assert state(D(2026, 9, 2))[0] == "active"
    assert set(ss.settled_invoice_pauses(D(2026, 9, 2), client.id)) == {i.id for i in invoices}
    assert state(D(2026, 9, 18)) == ("active", None, 400000)
    assert state(D(2026, 9, 19)) == ("breached", D(2026, 9, 19), 400000)
    st.record_instalment_payment(s.id, D(2026, 9, 16), "3000")      # on time instead
    assert state(D(2026, 9, 20)) == ("completed", None, 100000)    # the discount, to write off
