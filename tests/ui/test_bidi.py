"""Names, addresses, paths and sizes on screen: isolated, so a right-to-left window
cannot move their punctuation ("Silverline Health Ltd." not ".Silverline Health Ltd",
"568 KB" not "KB 568", "/tmp/backups" with its leading slash)."""
import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt

from models.db.backup import BackupInfo
from models.ledger import services
from ui.clients.client_table_model import ClientTableModel, Columns
from ui.settings.backups_page import BackupTableModel
from ui.settings.backups_page import Columns as BackupColumns
from ui.settings.backups_page import format_size
from ui.widgets.bidi import FSI, LRI, PDI, isolate, name_text, path_text, size_text
from ui.widgets.display import auto_dir


def test_helpers_isolate_and_keep_the_text():
    assert name_text("Silverline Health Ltd.") == f"{FSI}Silverline Health Ltd.{PDI}"
    assert name_text("Иван Петров") == f"{FSI}Иван Петров{PDI}"  # not only a-z
    assert name_text("Flat 3, 12 Baker St.") == f"{FSI}Flat 3, 12 Baker St.{PDI}"
    assert name_text("רחוב הרצל 12") == "רחוב הרצל 12"
    assert name_text('כהן ובניו בע"מ') == 'כהן ובניו בע"מ'  # purely Hebrew: as it is
    assert name_text("شركة النور") == "شركة النور"
    assert path_text(Path("/tmp/backups")) == f"{LRI}/tmp/backups{PDI}"
    assert size_text("568 KB") == f"{FSI}568 KB{PDI}"
    assert name_text("") == path_text("") == size_text(None) == isolate(None) == ""
    assert auto_dir("Cobalt Software Inc.") == name_text("Cobalt Software Inc.")


def test_controls_inside_a_value_cannot_unbalance_the_isolate():
    assert isolate("\u2069\u202eevil") == f"{FSI}evil{PDI}"
    assert path_text("/a\u2069/b") == f"{LRI}/a/b{PDI}"


def test_the_clients_list_isolates_a_latin_name(qtbot, db):
    services.add_client(name="Silverline Health Ltd.", kind="company", city="London")
    services.add_client(name="Иван Петров", kind="person")
    model = ClientTableModel()
    model.requery()
    names = {model.index(r, Columns.NAME).data() for r in range(model.rowCount())}
    assert names == {f"{FSI}Silverline Health Ltd.{PDI}", f"{FSI}Иван Петров{PDI}"}
    row = [r for r in range(model.rowCount())
           if "Silverline" in model.index(r, Columns.NAME).data()][0]
    assert model.index(row, Columns.CITY).data() == f"{FSI}London{PDI}"
    # sorting still uses the stored name, without the isolates
    assert model.index(row, Columns.NAME).data(Qt.UserRole + 1) == "Silverline Health Ltd."


def test_a_backup_size_cell_keeps_number_then_unit(qtbot, tmp_path):
    model = BackupTableModel("ledger")
    model.set_backups([BackupInfo(tmp_path / "ledger-2026-12-03.db",
                                  dt.datetime(2026, 12, 3, 9, 0), 568 * 1024)])
    cell = model.index(0, BackupColumns.SIZE).data()
    assert cell == f"{FSI}{format_size(568 * 1024)}{PDI}"
    assert "568" in cell
