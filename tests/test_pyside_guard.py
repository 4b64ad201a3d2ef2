"""Why setup.cfg holds PySide6 below 6.12 on Python < 3.12: PySide6 6.12 on Python <= 3.11
drops a reference from None on every call of a method returning nothing, and the
interpreter dies after a few thousand calls."""
import sys

CALLS = 3000


def test_void_qt_calls_do_not_leak_references_to_none(qapp):
    from PySide6.QtWidgets import QLabel

    if sys.version_info >= (3, 12):  # None is immortal there: the crash cannot happen
        assert QLabel("ok").text() == "ok"
        return
    label = QLabel()
    label.setText("warm-up")
    before = sys.getrefcount(None)
    for n in range(CALLS):
        label.setText(str(n))
        label.resize(100 + n % 7, 20)
    after = sys.getrefcount(None)
    # A broken build loses one reference per call (thousands); allow for noise.
    assert after >= before - 100, f"None lost {before - after} references in {2 * CALLS} calls"


def test_installed_pyside6_matches_the_version_marker():
    """setup.cfg pins < 6.12 on Python < 3.12; the installed wheel must respect that."""
    import PySide6

    major, minor = (int(x) for x in PySide6.__version__.split(".")[:2])
    if sys.version_info < (3, 12):
        assert (major, minor) < (6, 12), PySide6.__version__
    else:
        assert (major, minor) >= (6, 12), PySide6.__version__
