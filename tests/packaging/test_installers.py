"""The installers' promises a user depends on, checked on the files that make them
(packaging/): the build itself is run by .ci/run (packaging/build.py and smoke.py).

- Windows: a per-user install that never touches the data folder, so uninstalling keeps
  the ledger; a .gvia file opens in Gvia.
- macOS: the app opens .gvia and .db files, and states the oldest macOS it runs on.
- The lock pins every runtime dependency exactly, PySide6 included.
- The window's smoke hook (GVIA_QUIT_AFTER_SHOW) says when the window was shown and closes it.
"""
from __future__ import annotations

import configparser
import plistlib
import re
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def iss_sections() -> dict[str, list[str]]:
    """Inno Setup script: section name (lower case) -> its lines, comments left out."""
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in (PACKAGING / "windows" / "gvia.iss").read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#")):  # comments, preprocessor lines
            continue
        match = re.fullmatch(r"\[(\w+)\]", line)
        if match:
            current = match.group(1).lower()
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections


def test_the_windows_installer_is_per_user_and_keeps_the_data_folder():
    sections = iss_sections()
    setup = dict(line.split("=", 1) for line in sections["setup"])
    assert setup["PrivilegesRequired"] == "lowest"  # no administrator, no UAC prompt
    assert setup["DefaultDirName"] == r"{localappdata}\Programs\Gvia"
    # The data folder (platformdirs' user_data_path("Gvia") on Windows) is %LOCALAPPDATA%\Gvia:
    # a folder of its own, never the program folder, and nothing is installed into it
    # or deleted from it.
    assert not setup["DefaultDirName"].rstrip("\\").endswith(r"{localappdata}\Gvia")
    assert "uninstalldelete" not in sections
    for line in sections["files"] + sections.get("installdelete", []):
        target = re.search(r'(DestDir|Name): "([^"]+)"', line).group(2)
        assert target.startswith("{app}"), line
    # Shortcuts in the user's own Start menu and (optional) desktop.
    icons = "\n".join(sections["icons"])
    assert "{autoprograms}" in icons and "{autodesktop}" in icons
    # Double-clicking a .gvia file opens that ledger, registered for this user only.
    registry = "\n".join(sections["registry"])
    assert all(line.startswith("Root: HKCU;") for line in sections["registry"])
    assert r'Subkey: "Software\Classes\.gvia"' in registry
    assert '--db ""%1""' in registry


def test_the_mac_app_opens_ledgers_and_states_its_oldest_macos():
    with open(PACKAGING / "macos" / "Info.plist", "rb") as fh:
        info = plistlib.load(fh)
    assert info["CFBundleExecutable"] == "Gvia"  # the windowed program of gvia.spec
    assert info["LSBackgroundOnly"] is False
    assert info["NSHighResolutionCapable"] is True
    extensions = {ext for kind in info["CFBundleDocumentTypes"]
                  for ext in kind.get("CFBundleTypeExtensions", [])}
    assert {"gvia", "db"} <= extensions
    major = int(info["LSMinimumSystemVersion"].split(".")[0])
    assert major >= 13  # PySide6-Essentials 6.11's macOS wheel: macosx_13_0
    with open(PACKAGING / "macos" / "entitlements.plist", "rb") as fh:
        entitlements = plistlib.load(fh)
    assert not any(key.startswith("com.apple.security.cs.") and key not in (
        "com.apple.security.cs.allow-unsigned-executable-memory",) for key in entitlements)


def test_the_build_lock_pins_every_runtime_requirement_exactly():
    pins = {}
    for line in (PACKAGING / "requirements-build.txt").read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", line
            pins[canonicalize_name(req.name)] = spec.version
    meta = configparser.ConfigParser()
    meta.read(ROOT / "setup.cfg", encoding="utf-8")
    env = dict(default_environment(), python_version="3.11", python_full_version="3.11.0")
    for line in meta["options"]["install_requires"].splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in packaging/requirements-build.txt"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"{req.name}=={pins[name]} is outside setup.cfg's {req.specifier}")
    assert "pyside6-essentials" in pins and "pyinstaller" in pins


def test_the_smoke_hook_writes_when_the_window_was_shown_and_closes_it(
        qtbot, tmp_path, monkeypatch):
    import time

    from PySide6.QtWidgets import QMainWindow

    from ui.app import quit_after_show

    shown_file = tmp_path / "shown.txt"
    monkeypatch.setenv("GVIA_QUIT_AFTER_SHOW", str(shown_file))
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    before = time.time()
    quit_after_show(window)
    qtbot.waitUntil(lambda: shown_file.exists() and not window.isVisible(), timeout=5000)
    assert before - 1 <= float(shown_file.read_text("utf-8")) <= time.time() + 1


def test_without_the_variable_the_window_stays_open(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMainWindow

    from ui.app import quit_after_show

    monkeypatch.delenv("GVIA_QUIT_AFTER_SHOW", raising=False)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    quit_after_show(window)
    qtbot.wait(50)
    assert window.isVisible()
