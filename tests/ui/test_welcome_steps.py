"""The first-run dialog in steps: it collects everything letters need (postal code, bank
details, IBAN/SWIFT, logo, signature and signer), checks each step when the user moves on
(all its problems at once), previews a reminder written with what was typed, stores it
only when the user starts, and fits a 1280x720 screen with its buttons in view."""
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QAbstractButton

from models.db.settings import load_profile
from models.letters.archive import load_letter_settings
from ui.background import wait_for_all
from ui.welcome import WelcomeDialog, needs_welcome

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def dialog(qtbot, db):
    widget = WelcomeDialog()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    wait_for_all()


@pytest.fixture
def logo(tmp_path):
    path = tmp_path / "logo.png"
    image = QImage(QSize(200, 80), QImage.Format_RGB32)
    image.fill(QColor("#1e6b34"))
    assert image.save(str(path))
    return path


def fill_business(dialog):
    dialog.name.setText("סטודיו גל")
    dialog.tax_id.setText("000000018")


def fill_address(dialog, zip_code="6100101"):
    dialog.address.setText("הרצל 10")
    dialog.city.setText("תל אביב-יפו")
    dialog.zip.setText(zip_code)
    dialog.phone.setText("03-1234567")
    dialog.email.setText("gal@example.co.il")


def fill_payment(dialog):
    dialog.bank.setText("בנק לאומי (10)")
    dialog.branch.setText("800")
    dialog.account.setText("123456/78")
    dialog.iban.setText("IL62 0108 0000 0009 9999 999")
    dialog.swift.setText("loumilit")


def test_each_step_shows_all_its_problems_before_moving_on(qtbot, dialog):
    assert dialog.step() == 0 and not dialog.back_button.isEnabled()
    assert dialog.go_next() is False                     # no name yet
    assert "שם העסק" in dialog.form.error_text("name")
    fill_business(dialog)
    assert dialog.go_next() is True and dialog.step() == 1
    fill_address(dialog, zip_code="610010")
    dialog.email.setText("gal@")
    assert dialog.go_next() is False and dialog.step() == 1
    address_form = dialog.forms[1]
    assert address_form.error_fields() == ["zip", "email"]   # both at once
    assert "7 ספרות" in dialog.form.error_text("zip")
    dialog.zip.setText("6100101")
    dialog.email.setText("gal@example.co.il")
    assert dialog.go_next() is True and dialog.step() == 2
    dialog.branch.setText("80a")
    assert dialog.go_next() is False
    assert dialog.forms[2].error_fields() == ["bank", "branch", "account"]
    dialog.go_back()
    assert dialog.step() == 1 and dialog.zip.text() == "6100101"  # nothing typed is lost


def test_the_dialog_stores_postal_code_bank_details_logo_and_signer(qtbot, dialog, logo):
    fill_business(dialog)
    dialog.go_next()
    fill_address(dialog)
    dialog.go_next()
    fill_payment(dialog)
    dialog.bit_phone.setText("050-1234567")
    dialog.go_next()
    dialog.logo.ask_path = lambda: str(logo)
    assert dialog.logo.choose() is True
    dialog.signer_name.setText("גל כהן")
    dialog.signer_title.setText("בעלים")
    assert needs_welcome()  # nothing is stored before the user starts
    with qtbot.waitSignal(dialog.preview_ready, timeout=20000):
        assert dialog.go_next() is True
    assert dialog.step() == dialog.step_count_total() - 1
    assert dialog.preview.page_count() >= 1
    assert not dialog.missing.isVisible()  # everything the letters print was given
    dialog.start_empty()
    profile, letters = load_profile(), load_letter_settings()
    assert (profile.name, profile.zip, profile.city) == ("סטודיו גל", "6100101", "תל אביב-יפו")
    assert profile.bank_details == "בנק לאומי (10), סניף 800, חשבון 123456/78"
    assert (profile.iban, profile.swift) == ("IL620108000000099999999", "LOUMILIT")
    assert profile.bit_phone == "050-1234567"
    assert (letters.signer_name, letters.signer_title) == ("גל כהן", "בעלים")
    # The logo is kept with the ledger (models.letters.images): a copy next to it.
    assert letters.logo_path == str(logo.parent / "images" / "logo.png")
    assert Path(letters.logo_path).read_bytes() == logo.read_bytes()
    assert not needs_welcome()


def test_the_preview_is_the_letter_as_typed(qtbot, dialog, monkeypatch):
    import reports.draft

    seen = []
    real = reports.draft.sample_letter
    monkeypatch.setattr(reports.draft, "sample_letter",
                        lambda *a, **k: seen.append(k) or real(*a, **k))
    fill_business(dialog)
    dialog.go_next()
    fill_address(dialog)
    with qtbot.waitSignal(dialog.preview_ready, timeout=20000):
        dialog.show_step(dialog.step_count_total() - 1)
    profile = seen[-1]["profile"]
    assert (profile.name, profile.zip, profile.address) == ("סטודיו גל", "6100101", "הרצל 10")
    assert load_profile().name == ""  # previewed, not stored
    # What the letters will lack is said above the sample.
    assert dialog.missing.isVisible() and "פרטי בנק" in dialog.missing.text()


def test_a_file_that_is_not_an_image_is_refused(qtbot, dialog, tmp_path):
    bogus = tmp_path / "logo.png"
    bogus.write_text("not a picture")
    dialog.show_step(3)
    dialog.logo.ask_path = lambda: str(bogus)
    assert dialog.logo.choose() is False
    assert dialog.logo.path() == ""
    assert "PNG" in dialog.form.error_text("logo")


def test_a_problem_found_on_start_leads_back_to_its_step(qtbot, dialog):
    fill_business(dialog)
    dialog.zip.setText("12")
    dialog.show_step(4)      # the preview step checks everything first
    assert dialog.step() == 1
    assert "7 ספרות" in dialog.form.error_text("zip")
    dialog.start_empty()
    assert dialog.step() == 1 and needs_welcome()


@pytest.mark.parametrize("screen", [QSize(1280, 720), QSize(1366, 768)])
def test_every_step_fits_the_screen_with_its_buttons_in_view(qtbot, dialog, screen):
    dialog.resize(dialog.minimumSizeHint().expandedTo(dialog.size()).boundedTo(screen))
    assert dialog.minimumSize().width() <= screen.width()
    assert dialog.minimumSizeHint().height() <= screen.height() - 40  # the title bar
    assert dialog.height() <= screen.height() - 40
    fill_business(dialog)
    fill_address(dialog)
    for index in range(dialog.step_count_total()):
        dialog.show_step(index)
        qtbot.wait(10)
        area = QRect(QPoint(0, 0), dialog.size())
        for button in dialog.findChildren(QAbstractButton):
            if button.isVisible() and button.window() is dialog \
                    and _outside_scroll_area(button, dialog):
                top_left = button.mapTo(dialog, QPoint(0, 0))
                assert area.contains(QRect(top_left, button.size())), (index, button.text())
    for name in ("close_button", "back_button", "next_button"):
        button = getattr(dialog, name)
        if button.isVisible():
            assert QRect(QPoint(0, 0), dialog.size()).contains(
                QRect(button.mapTo(dialog, QPoint(0, 0)), button.size()))


def _outside_scroll_area(button, dialog) -> bool:
    """Buttons inside a step scroll into view; those of the dialog itself must be shown."""
    from PySide6.QtWidgets import QScrollArea

    parent = button.parentWidget()
    while parent is not None and parent is not dialog:
        if isinstance(parent, QScrollArea):
            return False
        parent = parent.parentWidget()
    return True
