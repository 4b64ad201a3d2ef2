"""A form shows every problem at once, each in red under its own field, with the cursor in
the first one; fixing one leaves the others shown until the next save."""
import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from models.ledger.clients import Client
from ui.clients.client_dialog import NewClientDialog
from ui.style import OVERDUE, state_colour

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def dialog(qtbot, db):
    widget = NewClientDialog()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_client_form_with_two_bad_fields_shows_two_errors(qtbot, dialog):
    form = dialog.form
    form.name.setText("דוד אברהם")
    form.tax_id.setText("123456789")
    form.zip.setText("610010")
    assert dialog.save() is False
    assert form.error_fields() == ["tax_id", "zip"]
    assert "ספרת הביקורת" in form.error_text("tax_id")
    assert "610010" in form.error_text("zip") and "7 ספרות" in form.error_text("zip")
    for name in ("tax_id", "zip"):
        label = form.errors[name]
        assert label.isVisible()
        assert label.palette().color(QPalette.WindowText) == state_colour(OVERDUE)  # red
        # next to its field: right under it, in the same row of the form
        field = form.fields[name]
        assert label.parentWidget() is field.parentWidget()
        assert label.geometry().top() >= field.geometry().bottom()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.tax_id, timeout=2000)
    assert form.error_text() == ""  # nothing at the top: each message is at its field
    assert Client.select().count() == 0

    form.tax_id.setText("000000018")
    assert dialog.save() is False
    assert form.error_fields() == ["zip"]
    form.zip.setText("6100100")
    assert dialog.save() is True
    assert Client.get().zip == "6100100"


def test_a_value_typed_left_to_right_keeps_its_order_in_the_message(qtbot, dialog):
    form = dialog.form
    form.name.setText("דוד אברהם")
    form.email.setText("david@")
    assert dialog.save() is False
    # isolated: in the Hebrew sentence it reads 'david@', not '@david'
    assert "'\u2066david@\u2069'" in form.error_text("email")
