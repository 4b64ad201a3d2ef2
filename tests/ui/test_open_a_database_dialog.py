"""File → Open a database…: a file or the office server, checked before anything opens,
and the app starting again in the chosen ledger."""
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit

pytestmark = pytest.mark.usefixtures("isolated")


def test_the_office_server_fields_are_checked_each_beside_its_field(qtbot):
    from ui.open_database import OpenDatabaseDialog

    dialog = OpenDatabaseDialog()
    qtbot.addWidget(dialog)
    dialog.office_choice.setChecked(True)
    dialog.port.setText("99999")
    dialog.accept()
    assert dialog.target is None and not dialog.result()
    shown = {name: label.text() for name, label in dialog.office_form.errors.items()
             if not label.isHidden()}
    assert set(shown) == {"host", "port", "dbname", "user"}


def test_a_server_typed_in_gives_its_url_without_a_password(qtbot):
    from ui.open_database import OpenDatabaseDialog

    dialog = OpenDatabaseDialog()
    qtbot.addWidget(dialog)
    dialog.office_choice.setChecked(True)
    for edit, text in ((dialog.host, "office-server"), (dialog.dbname, "gvia"),
                       (dialog.user, "dana")):
        edit.setText(text)
    dialog.accept()
    assert dialog.target == "postgresql://dana@office-server:5432/gvia"


def test_the_dialog_opens_on_the_ledger_in_use(qtbot):
    from ui.open_database import OpenDatabaseDialog

    dialog = OpenDatabaseDialog(current="postgresql://dana@office-server:5433/gvia")
    qtbot.addWidget(dialog)
    assert dialog.office_choice.isChecked()
    assert (dialog.host.text(), dialog.port.text(), dialog.dbname.text(),
            dialog.user.text()) == ("office-server", "5433", "gvia", "dana")
    assert not dialog.file_form.isEnabled()


def test_a_file_must_be_chosen(qtbot, tmp_path):
    from ui.open_database import OpenDatabaseDialog

    dialog = OpenDatabaseDialog(current=tmp_path / "gvia.db")
    qtbot.addWidget(dialog)
    dialog.file_path.setText("")
    dialog.accept()
    assert dialog.target is None
    assert not dialog.file_form.errors["path"].isHidden()
    dialog.file_path.setText(str(tmp_path / "other.db"))
    dialog.accept()
    assert dialog.target == tmp_path / "other.db"


def test_starting_again_in_another_ledger_keeps_the_program_and_names_the_ledger(monkeypatch):
    from ui.restart import restart_command

    monkeypatch.setattr(sys, "argv", ["main.py", "--db", "old.db", "--lang", "en"])
    command = restart_command(["python3", "-X", "utf8", "main.py", "--db", "old.db",
                               "--lang", "en"], database="postgresql://dana@server/gvia")
    assert command == [sys.executable, "-X", "utf8", "main.py", "--db",
                       "postgresql://dana@server/gvia"]


def test_a_remembered_file_that_was_moved_away_is_not_opened(tmp_path):
    from ui.open_database import remember_target, remembered_target

    gone = tmp_path / "moved.db"
    remember_target(gone)
    assert remembered_target() is None
    remember_target("postgresql://dana@server/gvia")
    assert remembered_target() == "postgresql://dana@server/gvia"


def test_the_password_is_asked_with_hidden_echo(qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from ui import open_database

    asked = {}

    def fake_get_text(parent, title, text, echo):
        asked.update(text=text, echo=echo)
        return "secret", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(fake_get_text))
    assert open_database.ask_password(None, "postgresql://dana@server/gvia") == "secret"
    assert asked["echo"] == QLineEdit.Password
    assert "gvia@server" in asked["text"]
