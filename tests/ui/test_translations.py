"""Every interface string has its Hebrew translation, with the same placeholders, and
`--lang en` shows the English source strings.

Strings are found the way translators find them: babel's extractor over ui/ with the
keywords `_` and `ngettext`. Translations are the merged catalogs ui/i18n.py loads
(every .po file in resources/locale/he/LC_MESSAGES).
"""
import re
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from ui import i18n

UI_DIR = Path(i18n.__file__).resolve().parent
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


@lru_cache(maxsize=1)  # one extraction per test run
def ui_messages() -> dict:
    """msgid (or (singular, plural)) -> first 'file:line' where it is used."""
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(UI_DIR), method_map=[("**.py", "python")],
            keywords={"_": None, "ngettext": (1, 2)}):
        found.setdefault(message, f"ui/{filename}:{lineno}")
    return found


def hebrew_translations() -> dict:
    """msgid -> translation (a tuple of forms for plurals), over all merged catalogs."""
    merged = {}
    for path in i18n.po_paths("he"):
        for message in i18n.read_catalog(path, "he"):
            if not message.id:
                continue
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(forms) and not message.fuzzy:
                key = message.id if isinstance(message.id, str) else message.id[0]
                merged[key] = forms
    return merged


def test_the_ui_has_strings_to_translate():
    messages = ui_messages()
    assert "Not yet due" in messages and "Business profile" in messages


def test_every_ui_string_has_a_hebrew_translation():
    translations = hebrew_translations()
    missing = [f"{where}: {message!r}" for message, where in ui_messages().items()
               if (message if isinstance(message, str) else message[0]) not in translations]
    assert not missing, "no Hebrew translation for:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders():
    """A translation that drops or renames {amount} would crash `.format()` at run time."""
    translations = hebrew_translations()
    broken = []
    for message, where in ui_messages().items():
        source = message if isinstance(message, str) else message[1]
        key = message if isinstance(message, str) else message[0]
        expected = set(PLACEHOLDER.findall(source))
        for form in translations.get(key, ()):
            # A singular form may leave {count} out ("חשבונית אחת"); nothing may be added.
            used = set(PLACEHOLDER.findall(form))
            if used - expected or (expected - used - {"count"}):
                broken.append(f"{where}: {form!r} vs {source!r}")
    assert not broken, "placeholders differ:\n" + "\n".join(broken)


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
    from ui.aging.aging_table_model import bucket_headers
    from ui.settings.settings_view import SettingsView

    assert build_parser().parse_args(["--lang", "en"]).lang == "en"
    assert bucket_headers((30, 60)) == ["Not yet due", "1–30 days", "31–60 days", "Over 60 days"]
    view = SettingsView(db)
    assert view.tabs.tabText(0) == "Business profile"
    assert view.backups_page.backup_button.text() == "Back up now"
    view.deleteLater()
