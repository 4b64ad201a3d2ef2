"""`--lang en` shows the English source strings on the screens, and Hebrew is the default.
(That every string has its translation is tests/test_translations.py.)"""
import pytest

from ui import i18n


@pytest.fixture
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("he")


def test_hebrew_is_the_default(qapp, db):
    from ui.aging.aging_view import AgingView

    assert i18n.set_language(None) == "he"
    view = AgingView(db)
    assert view.csv_button.text() == "ייצוא ל-CSV…"
    view.deleteLater()


def test_lang_en_shows_english(qapp, db, english):
    from cli.arguments import build_parser
    from models.queries.aging import bucket_titles
    from ui.settings.settings_view import SettingsView

    assert build_parser().parse_args(["--lang", "en"]).lang == "en"
    assert bucket_titles((30, 60)) == ["Not yet due", "1–30 days", "31–60 days", "Over 60 days"]
    view = SettingsView(db)
    assert view.tabs.tabText(0) == "Business profile"
    assert view.backups_page.backup_button.text() == "Back up now"
    view.deleteLater()
