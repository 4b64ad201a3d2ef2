"""Settings → Business profile: a logo chosen there is taken into the ledger on save, so
deleting the user's own file still prints it on a letter; a logo stored as a path to a
file that is gone since is said on the page, not silently left off the letters."""
import dataclasses
import datetime as dt
import sys
from pathlib import Path

import pytest
from PIL import Image

from models.db.settings import get_setting, set_setting
from models.letters.archive import SETTINGS_KEY, load_letter_settings
from reports.draft import sample_letter
from ui.settings.profile_page import ProfilePage

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))
from pdfcheck import links_and_images  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated")

VALID = dict(name="סטודיו דנה", business_type="licensed", tax_id="12345674",
             address="הרצל 1", city="תל אביב", zip="6100000", phone="03-1234567",
             email="dana@example.co.il", bank_details="לאומי, סניף 800, חשבון 12345")


@pytest.fixture
def today() -> dt.date:
    return dt.date(2026, 12, 20)


def fill(page) -> None:
    for name, text in VALID.items():
        page.set_text(name, text)


@pytest.fixture
def page(qtbot, db):
    widget = ProfilePage()
    qtbot.addWidget(widget)
    widget.load()
    fill(widget)
    return widget


def test_a_logo_chosen_in_settings_prints_after_its_file_is_deleted(qtbot, page, tmp_path):
    original = tmp_path / "Pictures" / "logo.png"
    original.parent.mkdir()
    Image.new("RGB", (200, 80), "#1e6b34").save(original)
    page.logo.ask_path = lambda: str(original)
    assert page.logo.choose()
    assert page.save()
    original.unlink()
    page.load()
    assert Path(page.logo.path()).is_file()  # the copy next to the ledger, not "Missing"
    assert "לוגו" not in page.message.text()
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(sample_letter("reminder", dt.date(2026, 12, 20)))
    assert links_and_images(pdf)[1] == 1


def test_a_stored_logo_whose_file_is_gone_is_said_on_the_page(qtbot, page, tmp_path):
    gone = tmp_path / "moved away" / "logo.png"
    set_setting(SETTINGS_KEY, {**(get_setting(SETTINGS_KEY) or {}), "logo_path": str(gone)})
    page.load()
    assert "קובץ הלוגו" in page.message.text() and "לא נמצא" in page.message.text()
    assert page.message.font().bold()
    assert page.logo.path() == str(gone)  # shown as missing, not dropped
    fill(page)
    assert page.save(), page.message.text()  # the rest of the profile is still saved
    assert load_letter_settings().logo_path == str(gone)


def test_a_file_that_is_not_a_picture_is_refused_when_chosen(qtbot, page, tmp_path):
    fake = tmp_path / "logo.png"
    fake.write_text("not a picture")
    page.logo.ask_path = lambda: str(fake)
    with qtbot.waitSignal(page.logo.refused, timeout=1000) as refused:
        assert not page.logo.choose()
    assert "PNG" in refused.args[0]
    assert page.logo.path() == ""
    assert dataclasses.asdict(load_letter_settings())["logo_path"] == ""
