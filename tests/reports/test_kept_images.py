"""The logo and the signature are kept with the ledger: once chosen, the letters print
them even after the user's own file is moved or deleted, and a copy of the database file
alone (a backup) prints them too. An old setting whose file is gone is named, not
silently left out, and never stops other letter settings from being saved."""
import dataclasses
import datetime as dt
import shutil

import pytest
from PIL import Image

from models.db.opening import open_database
from models.letters import images
from models.letters.archive import load_letter_settings, save_letter_settings
from pdfcheck import links_and_images
from reports.draft import sample_letter

AS_OF = dt.date(2026, 12, 20)


def picture(path, colour="#1e6b34", size=(200, 80), kind="PNG"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, kind)
    return path


def letter_images(tmp_path, name="letter.pdf") -> int:
    out = tmp_path / name
    out.write_bytes(sample_letter("reminder", AS_OF))
    return links_and_images(out)[1]


def choose(**paths) -> None:
    """What the settings page and the first-run dialog do when the user saves."""
    save_letter_settings(dataclasses.replace(load_letter_settings(), **paths))


def test_a_chosen_logo_still_prints_after_the_original_is_deleted(tmp_path, db):
    assert letter_images(tmp_path, "none.pdf") == 0
    original = picture(tmp_path / "my pictures" / "logo.png")
    choose(logo_path=str(original))
    kept = load_letter_settings().logo_path
    assert kept != str(original)
    assert kept.startswith(str(tmp_path / "images"))  # next to the ledger, gvia.db
    original.unlink()
    assert letter_images(tmp_path) == 1


def test_logo_and_signature_both_print_from_the_ledger(tmp_path, db):
    logo = picture(tmp_path / "mine" / "logo.jpg", kind="JPEG")
    signature = picture(tmp_path / "mine" / "signature.png", colour="#000000", size=(300, 90))
    choose(logo_path=str(logo), signature_path=str(signature))
    shutil.rmtree(tmp_path / "mine")
    assert letter_images(tmp_path) == 2
    assert load_letter_settings().logo_path.endswith("logo.jpg")


def test_a_backup_of_the_database_file_alone_keeps_the_letters_images(tmp_path, db):
    original = picture(tmp_path / "mine" / "logo.png")
    choose(logo_path=str(original))
    db.close()  # the writer lets go of the ledger before it is copied
    elsewhere = tmp_path / "usb drive"
    elsewhere.mkdir()
    shutil.copy(tmp_path / "gvia.db", elsewhere / "gvia.db")
    shutil.rmtree(tmp_path / "images")     # neither the folder next to the ledger
    original.unlink()                      # nor the user's own file is left
    restored = open_database(elsewhere / "gvia.db")
    try:
        kept = load_letter_settings().logo_path
        assert kept.startswith(str(elsewhere / "images"))
        assert letter_images(tmp_path) == 1
    finally:
        restored.close()


def test_a_copy_that_went_missing_is_written_again(tmp_path, db):
    choose(logo_path=str(picture(tmp_path / "mine" / "logo.png")))
    shutil.rmtree(tmp_path / "images")
    assert letter_images(tmp_path) == 1


def test_another_logo_replaces_the_first_and_removing_it_forgets_it(tmp_path, db):
    choose(logo_path=str(picture(tmp_path / "mine" / "old.jpg", kind="JPEG")))
    choose(logo_path=str(picture(tmp_path / "mine" / "new.png", colour="#ff0000")))
    assert sorted(p.name for p in (tmp_path / "images").iterdir()) == ["logo.png"]
    assert images.stored_image("logo").name == "new.png"
    choose(logo_path="")
    assert images.stored_image("logo") is None
    assert load_letter_settings().logo_path == ""
    assert not list((tmp_path / "images").iterdir())
    assert letter_images(tmp_path) == 0


def test_saving_other_settings_keeps_the_image(tmp_path, db):
    choose(logo_path=str(picture(tmp_path / "mine" / "logo.png")))
    stored = images.stored_image("logo")
    choose(deadline_days=21)  # the envelope or the prevention page saving its own values
    assert images.stored_image("logo") == stored
    assert letter_images(tmp_path) == 1


def test_an_old_setting_whose_file_is_gone_is_named_and_blocks_nothing(tmp_path, db):
    # A path stored before the images were kept in the ledger (no bytes stored).
    from models.db.settings import get_setting, set_setting
    from models.letters.archive import SETTINGS_KEY

    gone = tmp_path / "mine" / "logo.png"
    set_setting(SETTINGS_KEY, {**(get_setting(SETTINGS_KEY) or {}), "logo_path": str(gone)})
    assert images.missing_images(load_letter_settings()) == [("logo", str(gone))]
    choose(deadline_days=21)  # still saved
    assert load_letter_settings().deadline_days == 21
    # Once the file is back and the settings are saved, it is taken in.
    picture(gone)
    choose()
    gone.unlink()
    assert images.missing_images(load_letter_settings()) == []
    assert letter_images(tmp_path) == 1


@pytest.mark.parametrize("content", [b"not a picture at all", b"\x89PNG\r\n\x1a\ntruncated"])
def test_a_file_that_is_not_a_png_or_jpeg_picture_is_refused(tmp_path, db, content):
    fake = tmp_path / "logo.png"
    fake.write_bytes(content)
    assert "PNG" in images.image_problem(fake)
    assert images.image_problem(tmp_path / "nothing.png")  # not found
    assert images.image_problem(picture(tmp_path / "real.png")) is None
