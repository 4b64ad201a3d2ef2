import unicodedata

"""Right-to-left shaping: order against the reference algorithm, brackets, wrapping."""
import random

from bidi import get_display as reference_order
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.fonts import register_fonts
from reports.hebrew import shape, visual, wrap

ALPHABET = list("שלוםאבגדהת") + list("AbcZx") + list("0123456789") + \
    list(" .,-/:%₪$()[]\"'") + ["\u200f", "\u200e", "\u00a0", "\u05b8"]
_BRACKETS = str.maketrans("()[]", "||||")


def _unbracketed(text: str) -> str:
    return text.translate(_BRACKETS)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=30))
def test_order_matches_the_full_unicode_algorithm(text):
    # The Rust implementation in python-bidi applies every rule (N0 included) but does
    # not mirror; compare the order with brackets made indistinguishable.
    expected = reference_order(text.strip(), base_dir=_base(text)).replace("\u200f", "").replace("\u200e", "")
    assert _unbracketed(visual(text.strip())) == _unbracketed(expected)


def _base(text: str) -> str:
    """Right-to-left when the line holds a right-to-left letter, as `visual` decides."""
    return "R" if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text) else "L"


def test_order_on_many_random_lines():
    rng = random.Random(7)
    for _ in range(3000):
        line = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40))).strip()
        expected = reference_order(line, base_dir=_base(line)).replace("\u200f", "").replace("\u200e", "")
        assert _unbracketed(visual(line)) == _unbracketed(expected), line


def test_a_latin_only_name_keeps_its_final_period():
    assert visual("Cobalt Software Inc.") == "Cobalt Software Inc."


def test_brackets_around_hebrew_are_mirrored():
    assert visual('סכום (ש"ח)') == '(ח"ש) םוכס'


def test_brackets_after_a_latin_name_stay_paired():
    # Without the bracket-pair rule this prints 'Acme Ltd (Israel(' .
    assert visual("Acme Ltd (Israel) חייבת") == "תבייח Acme Ltd (Israel)"


def test_money_keeps_the_shekel_sign_after_the_number_and_loses_the_marks():
    assert visual("סך \u200f1,234.50\xa0\u200f₪ לתשלום") == "םולשתל ₪\xa01,234.50 ךס"


def test_numbers_dates_and_invoice_numbers_read_left_to_right():
    assert visual("חשבונית INV-2024/17 מיום 22/11/2026") == "22/11/2026 םוימ INV-2024/17 תינובשח"
    assert visual("טלפון 050-1234567") == "050-1234567 ןופלט"


def test_override_characters_from_user_data_are_neutralised():
    assert visual("\u202eevil\u202c שלום") == "םולש evil"


def test_wrapping_happens_in_logical_order_before_reordering():
    fonts = register_fonts()
    text = "אחת שתיים שלוש ארבע חמש שש שבע שמונה תשע עשר " * 3
    lines = wrap(text, fonts.regular, 10, 120)
    assert len(lines) > 2
    assert " ".join(lines).split() == text.split()  # nothing lost, order kept
    assert shape(text, fonts.regular, 10, 120)[0] == visual(lines[0])


def test_a_word_longer_than_the_line_is_cut_not_overflowing():
    fonts = register_fonts()
    from reports.hebrew import text_width

    lines = wrap("ש" * 300, fonts.regular, 10, 100)
    assert "".join(lines) == "ש" * 300
    assert all(text_width(line, fonts.regular, 10) <= 100 for line in lines)


def test_lines_differing_only_in_digits_keep_their_own_digits():
    # visual() shares one computed order between such lines (digits as '0'): the digits
    # drawn must still be each line's own, in each number's own order.
    assert visual("חשבונית 12 מיום 01/06/2026") == "01/06/2026 םוימ 12 תינובשח"
    assert visual("חשבונית 98 מיום 30/11/2025") == "30/11/2025 םוימ 98 תינובשח"
    assert visual("סך 1,234.50 ו-7 (ש\"ח)") == "(ח\"ש) 7-ו 1,234.50 ךס"
    assert visual("סך 9,876.05 ו-3 (ש\"ח)") == "(ח\"ש) 3-ו 9,876.05 ךס"


# ---- isolates, Arabic, fallback glyphs ------------------------------------------------

import re  # noqa: E402
import subprocess  # noqa: E402
import datetime as dt  # noqa: E402

from reports.hebrew import PDI, isolate, join_arabic  # noqa: E402

_ISOLATES_AND_MARKS = re.compile("[\u200e\u200f\u2066-\u2069]")


def _random_isolated(rng: random.Random, depth: int = 0) -> str:
    out = ""
    for _ in range(rng.randint(1, 4)):
        if depth < 3 and rng.random() < 0.3:
            out += isolate(_random_isolated(rng, depth + 1))
        else:
            out += "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 10)))
    return out


def test_isolates_are_ordered_as_the_full_unicode_algorithm_orders_them():
    # Nested, balanced isolates as reports.hebrew.isolate makes them, anywhere in a line.
    # (The Rust implementation and ours part on very rare lines where a digit right
    # after an isolate follows a Latin letter before it, as in 'וA⁨%⁩(5)': W7 reads the
    # isolate as skipped, so the digit is L in ours.)
    rng = random.Random(2)
    for _ in range(3000):
        line = _random_isolated(rng).strip()
        expected = _ISOLATES_AND_MARKS.sub("", reference_order(line, base_dir=_base(line)))
        assert _unbracketed(visual(line)) == _unbracketed(expected), repr(line)


def test_a_latin_name_in_a_hebrew_sentence_keeps_its_final_period():
    assert visual("שלום Silverline Health Ltd.,") == ",.Silverline Health Ltd םולש"  # the bug
    assert visual("שלום " + isolate("Silverline Health Ltd.") + ",") == \
        ",Silverline Health Ltd. םולש"
    assert visual("גודל " + isolate("568 KB")) == "568 KB לדוג"
    assert visual("נשמר ב-" + isolate("/tmp/backups")) == "/tmp/backups-ב רמשנ"


def test_isolate_controls_are_never_drawn_and_user_controls_cannot_unbalance_them():
    shown = visual("שלום " + isolate("\u2069\u202eevil\u2066 name") + " סוף")
    assert not _ISOLATES_AND_MARKS.search(shown)
    assert shown == "ףוס evil name םולש"


def test_an_isolate_cut_by_a_line_break_keeps_its_direction_on_both_lines():
    fonts = register_fonts()
    text = "לכבוד " + isolate("Silverline Health Ltd.") + ", שלום רב"
    lines = wrap(text, fonts.regular, 10, 75)
    assert len(lines) >= 3
    for line in lines:  # each line balanced: as many openings as closings
        assert sum(line.count(c) for c in "\u2066\u2067\u2068") == line.count(PDI)
    shown = [visual(line) for line in lines]
    assert any(line.startswith("Health Ltd.") for line in shown), shown


def test_arabic_letters_are_joined_and_ordered_right_to_left():
    joined = join_arabic("شركة النور")
    assert joined == "\ufeb7\ufeae\ufedb\ufe94 \ufe8d\ufedf\ufee8\ufeee\ufead"  # joined forms
    assert visual(joined) == "\ufead\ufeee\ufee8\ufedf\ufe8d \ufe94\ufedb\ufeae\ufeb7"
    assert join_arabic("לا") != "" and join_arabic("שלום abc") == "שלום abc"
    assert "\ufefb" in join_arabic("لا")  # lam-alef ligature


def test_the_fonts_cover_every_character_a_name_may_be_typed_in():
    import unicodedata as ud

    from models.common.text import PRINTABLE_RANGES, unprintable_characters
    from reports.fonts import font_covers

    register_fonts()
    allowed = [chr(c) for low, high in PRINTABLE_RANGES for c in range(low, high + 1)
               if ud.category(chr(c)) not in ("Cn", "Cc", "Cf", "Zs", "Zl", "Zp")
               and ud.normalize("NFC", chr(c)) == chr(c)]  # as stored: NFC
    assert unprintable_characters("".join(allowed)) == ""
    missing = [ch for ch in allowed if not font_covers(join_arabic(ch))
               and not (0x064B <= ord(ch) <= 0x065F or ord(ch) == 0x0670)]  # harakat: dropped
    assert missing == []
    assert unprintable_characters("漢字 😀 ไทย") == "漢字😀ไทย"
    assert unprintable_characters("Иван Петров · شركة النور · Ελλάδα · שָׁלוֹם") == ""


def test_a_name_in_an_unsupported_script_is_refused_with_a_clear_message(db):
    import pytest

    from models.common.errors import ValidationError
    from models.ledger import services

    with pytest.raises(ValidationError) as refused:
        services.add_client(name="北京贸易公司", kind="company")
    assert "北" in str(refused.value) and "עבריות" in str(refused.value)
    assert refused.value.field == "name"
    assert services.add_client(name="Иван Петров", kind="person").name == "Иван Петров"


def _letter_to(name: str, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from factory import setup_business
    from pdfcheck import fonts as pdf_fonts
    from pdfcheck import pdf_text

    from models.ledger import services
    from reports.batch import produce_letters

    setup_business()
    client = services.add_client(name=name, kind="company", address="12 Baker St.",
                                 city="חיפה")
    services.add_invoice(client.id, "5001", dt.date(2026, 8, 1), "2500")
    result = produce_letters("statement", [client.id], dt.date(2026, 11, 22), strict=True)
    path = result.archive_path
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    return pdf_text(path), pdf_fonts(path), next(tmp_path.glob("page*.png"))


def _dark_pixels(png) -> int:
    from PIL import Image

    image = Image.open(png).convert("L")
    return sum(image.histogram()[:128])


def test_a_letter_to_a_cyrillic_name_prints_it(db, tmp_path):
    import unicodedata as ud

    text, embedded, png = _letter_to("Иван Петров", tmp_path)
    assert "Иван Петров" in ud.normalize("NFKC", text)
    assert "?" not in text
    assert all(is_embedded for _, is_embedded in embedded)
    assert _dark_pixels(png) > 1000


def test_a_letter_to_an_arabic_name_prints_it_joined(db, tmp_path):
    import unicodedata as ud

    text, _, png = _letter_to("شركة النور", tmp_path)
    logical = ud.normalize("NFKC", text)  # the presentation forms read back as letters
    assert "شركة" in logical and "النور" in logical
    assert "\ufeb7\ufeae\ufedb\ufe94" in text or "\ufe94\ufedb\ufeae\ufeb7" in text
    assert "?" not in text
    assert _dark_pixels(png) > 1000


def test_a_letter_keeps_the_period_of_a_latin_name(db, tmp_path):
    from reports.hebrew import isolate_phrases

    text, _, _ = _letter_to("Silverline Health Ltd.", tmp_path)
    assert "Silverline Health Ltd." in text
    assert ".Silverline" not in text
    sentence = isolate_phrases("שלום Silverline Health Ltd., כאן", ("Silverline Health Ltd.",))
    assert visual(sentence) == "ןאכ ,Silverline Health Ltd. םולש"


# ---- address labels ---------------------------------------------------------------------

def test_a_long_address_line_shrinks_or_wraps_and_keeps_the_house_number():
    from reports.mailing import LABEL_MIN_SIZE, fit_label

    fonts = register_fonts()
    lines = ["חברת הדוגמה הגדולה לשירותי ניקיון ותחזוקה בע\"מ",
             "שדרות יהודית המלכה הנביאה ושופטת ישראל בית מספר 1234",
             "תל אביב-יפו 6701101"]
    size, fitted = fit_label(lines, fonts.bold, fonts.regular, 55 * 2.835, 28 * 2.835)
    printed = _ISOLATES_AND_MARKS.sub("", " ".join(line for _, line in fitted))
    assert "1234" in printed and "6701101" in printed
    assert printed.split() == " ".join(lines).split()  # every word, in order
    assert LABEL_MIN_SIZE <= size and len(fitted) > len(lines)  # wrapped, not cut
    small, _ = fit_label(lines, fonts.bold, fonts.regular, 55 * 2.835, 15 * 2.835)
    assert small < size  # less room: a smaller size, still every word


def test_a_label_too_long_to_fit_says_it_was_cut():
    from reports.mailing import fit_label

    fonts = register_fonts()
    lines = ["שם"] + ["רחוב ארוך מאוד מאוד מאוד מספר %d" % i for i in range(12)]
    size, fitted = fit_label(lines, fonts.bold, fonts.regular, 40 * 2.835, 15 * 2.835)
    assert fitted[-1][1].endswith("…")


def test_labels_pdf_keeps_the_house_number(db, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pdfcheck import pdf_text

    from models.letters.archive import LetterSettings
    from reports.mailing import render_labels

    address = ["חברת הדוגמה הגדולה לשירותי ניקיון ותחזוקה בע\"מ",
               "שדרות יהודית המלכה הנביאה ושופטת ישראל 1234", "תל אביב-יפו 6701101"]
    render_labels([address], tmp_path / "labels.pdf", LetterSettings())
    text = pdf_text(tmp_path / "labels.pdf")
    assert "1234" in text and "6701101" in text and "ושופטת" in text
