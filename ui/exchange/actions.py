"""The File menu's import and export actions, for the main window to add."""
from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from ui.i18n import _


def open_import_wizard(window: QMainWindow) -> bool:
    from ui.exchange.import_wizard import ImportWizard

    return ImportWizard.ask(window.opened_db, window)


def export_ledger(window: QMainWindow):
    from ui.exchange.ledger_export import export_ledger_to_excel

    return export_ledger_to_excel(window)


def file_actions(window: QMainWindow) -> list[QAction]:
    """File → Import…, File → Export the ledger to Excel…"""
    import_action = QAction(_("Import from files…"), window)
    import_action.setObjectName("import_action")
    import_action.setStatusTip(_("Import clients, invoices and payments from CSV or Excel "
                                 "files"))
    import_action.triggered.connect(lambda _checked=False: open_import_wizard(window))
    export_action = QAction(_("Export the ledger to Excel…"), window)
    export_action.setObjectName("export_ledger_action")
    export_action.setStatusTip(_("The clients, invoices, payments and contact log in one "
                                 "Excel workbook"))
    export_action.triggered.connect(lambda _checked=False: export_ledger(window))
    return [import_action, export_action]
