"""Smoke test of the frozen programs, as a user's first minutes run them.

    python packaging/smoke.py [--dist DIST]      (DIST: where the build put them; default dist/)
    python packaging/smoke.py --dir DIR          (DIR holds the two programs: an installed
                                                  copy, or a mounted .dmg's Gvia.app/Contents/MacOS)

Against the built `gvia-cli` and `Gvia` (dist/Gvia/ on Linux and Windows, dist/Gvia.app
on macOS), in a throw-away home folder so nothing of the builder's own is read or written:

1. `gvia-cli --version`
2. `gvia-cli demo --db T`          the migrations are in the bundle, the ledger fills
3. `gvia-cli aging --db T`         babel's he_IL data is in the bundle
4. `gvia-cli letters --db T --kind statement --all --out L.pdf`
                                   templates, catalogs, reportlab (with _rl_accel) and the
                                   fonts: the PDF embeds the Heebo font and holds Hebrew
                                   text (every client with a balance: the demo's Hebrew
                                   letters and its English ones to clients abroad)
5. `gvia-cli check --db T`
6. `Gvia --db T` with QT_QPA_PLATFORM=offscreen and GVIA_QUIT_AFTER_SHOW=<file>: the window
   opens, the program writes the moment it was shown into <file> and quits; it must exit 0.
   The start-up time (process start to window shown) is printed.

Any non-zero exit, any "Traceback" in any output (or in the program's log folder) fails the
test. Exit status 0 when all pass, 1 otherwise. Uses only the standard library and pypdf
(packaging/requirements-build.txt).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from models.common.version import __version__ as VERSION  # noqa: E402 - THE version
TIMEOUT = 300  # seconds, per command (the demo ledger takes a few on a slow runner)


def programs(dist: Path, folder: Path | None = None) -> tuple[Path, Path]:
    """(gvia-cli, Gvia) in `folder`, else as the build for this platform lays them out."""
    exe = ".exe" if sys.platform.startswith("win") else ""
    if folder is None and sys.platform == "darwin" and (dist / "Gvia.app").exists():
        folder = dist / "Gvia.app" / "Contents" / "MacOS"
    elif folder is None:
        folder = dist / "Gvia"
    cli, gui = folder / f"gvia-cli{exe}", folder / f"Gvia{exe}"
    for program in (cli, gui):
        if not program.exists():
            raise SystemExit(f"smoke: {program} is missing; build first (packaging/build.py)")
    return cli, gui


def isolated_env(home: Path) -> dict[str, str]:
    """The environment with every per-user folder inside `home`: the data folder, the log,
    the settings and the font cache of this run are thrown away with it."""
    env = dict(os.environ)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(home / name.lower())
    env["HOME"] = str(home)
    if sys.platform.startswith("win"):
        for name in ("APPDATA", "LOCALAPPDATA"):
            env[name] = str(home / name)
        # platformdirs asks Windows itself for the folders; these override it.
        env["WIN_PD_OVERRIDE_APPDATA"] = env["APPDATA"]
        env["WIN_PD_OVERRIDE_LOCAL_APPDATA"] = env["LOCALAPPDATA"]
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONPATH", None)  # the bundle must stand on its own
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        Path(env[name]).mkdir(parents=True, exist_ok=True)
    return env


class Smoke:
    def __init__(self, env: dict[str, str], work: Path):
        self.env = env
        self.work = work
        self.failures: list[str] = []
        self.passed = 0

    def run(self, title: str, args: list[str], env: dict[str, str] | None = None,
            expect: str | None = None) -> str:
        started = time.monotonic()
        try:
            done = subprocess.run(args, env=env or self.env, cwd=self.work,
                                  stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            self.fail(title, f"no answer after {TIMEOUT} s", _text(exc.stdout, exc.stderr))
            return ""
        output = _text(done.stdout, done.stderr)
        took = time.monotonic() - started
        if done.returncode != 0:
            self.fail(title, f"exit status {done.returncode}", output)
        elif "Traceback" in output:
            self.fail(title, "a traceback in the output", output)
        elif expect is not None and expect not in output:
            self.fail(title, f"{expect!r} not in the output", output)
        else:
            self.ok(f"{title}  ({took:.1f} s)")
        return output

    def ok(self, what: str) -> None:
        self.passed += 1
        print(f"ok    {what}")

    def fail(self, title: str, why: str, output: str = "") -> None:
        self.failures.append(title)
        print(f"FAIL  {title}: {why}")
        if output:
            print("      " + output.strip().replace("\n", "\n      ")[-4000:])


def _text(*streams) -> str:
    return "\n".join(s.decode("utf-8", "replace") if isinstance(s, bytes) else (s or "")
                     for s in streams if s)


def embedded_fonts(pdf: Path) -> tuple[set[tuple[str, bool]], int]:
    """(font name, embedded?) for every font the PDF's pages use, and how many Hebrew
    letters its text holds (as tests/reports/pdfcheck.py reads our PDFs)."""
    from pypdf import PdfReader

    found = set()
    hebrew = 0
    for page in PdfReader(str(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = bool(descriptor and "/FontFile2" in descriptor.get_object())
            found.add((str(font["/BaseFont"]).split("+")[-1], embedded))
        hebrew += sum(1 for ch in page.extract_text() if "\u05d0" <= ch <= "\u05ea")
    return found, hebrew


# What the bundle must hold (glob patterns under its root), and what trimming took out.
MUST_HOLD = {
    "reportlab's C accelerator": "_rl_accel*",
    "the Heebo fonts": "resources/fonts/GviaHeebo-*.ttf",
    "the Hebrew catalogs": "resources/locale/he/LC_MESSAGES/*.po",
    "the migrations": "models/db/migrations/0001_*.py",
    "Qt's Hebrew strings": "PySide6/**/qtbase_he.qm",
    "babel's he_IL data": "babel/locale-data/he_IL.dat",
}
MUST_NOT_HOLD = {
    "babel's other locales": "babel/locale-data/fr.dat",
    "Qt's other translations": "PySide6/**/qtbase_fr.qm",
}


def check_contents(smoke: "Smoke", folder: Path) -> None:
    """The files the programs read at run time are in the bundle; the trimmed ones not."""
    root = folder.parent if folder.name == "MacOS" else folder  # Gvia.app/Contents
    for what, pattern in MUST_HOLD.items():
        if next(root.rglob(pattern), None) is None:
            smoke.fail("bundle contents", f"missing: {what} ({pattern}) under {root}")
    for what, pattern in MUST_NOT_HOLD.items():
        found = next(root.rglob(pattern), None)
        if found is not None:
            smoke.fail("bundle contents", f"{what} were not trimmed: {found}")
    if "bundle contents" not in smoke.failures:
        smoke.ok("the bundle holds its resources and is trimmed")


def tracebacks_in_logs(home: Path) -> list[Path]:
    """Log files under the throw-away home that record a traceback."""
    found = []
    for path in home.rglob("*.log*"):
        try:
            if "Traceback" in path.read_text("utf-8", "replace"):
                found.append(path)
        except OSError:
            continue
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--dir", type=Path, help="the folder that holds gvia-cli and Gvia")
    args = parser.parse_args(argv)
    # Hebrew output quoted in a failure prints on any console; lines in order in a CI log.
    sys.stdout.reconfigure(encoding="utf-8", errors="replace", line_buffering=True)
    cli, gui = programs(args.dist.resolve(), args.dir.resolve() if args.dir else None)
    print(f"smoke: {cli.parent}")

    with tempfile.TemporaryDirectory(prefix="gvia-smoke-") as tmp:
        work = Path(tmp)
        home = work / "home"
        home.mkdir()
        env = isolated_env(home)
        smoke = Smoke(env, work)
        db = str(work / "smoke.gvia")
        pdf = work / "statements.pdf"

        check_contents(smoke, cli.parent)

        smoke.run("gvia-cli --version", [str(cli), "--version"], expect=f"Gvia {VERSION}")
        smoke.run("gvia-cli demo", [str(cli), "demo", "--db", db])
        smoke.run("gvia-cli aging", [str(cli), "aging", "--db", db], expect="ILS")
        smoke.run("gvia-cli letters", [str(cli), "letters", "--db", db, "--kind", "statement",
                                       "--all", "--out", str(pdf)])
        if pdf.exists():
            fonts, hebrew = embedded_fonts(pdf)
            if not any("Heebo" in name and embedded for name, embedded in fonts):
                smoke.fail("letter font", f"Heebo is not embedded: {sorted(fonts)}")
            elif hebrew < 100:
                smoke.fail("letter text", f"only {hebrew} Hebrew characters in {pdf.name}")
            else:
                smoke.ok(f"the letters embed the Hebrew font {sorted(fonts)} "
                         f"and hold Hebrew text ({hebrew:,} Hebrew characters)")
        elif "gvia-cli letters" not in smoke.failures:
            smoke.fail("gvia-cli letters", f"{pdf.name} was not written")
        smoke.run("gvia-cli check", [str(cli), "check", "--db", db])

        shown_file = work / "shown.txt"
        gui_env = dict(env, GVIA_QUIT_AFTER_SHOW=str(shown_file))
        started = time.time()
        smoke.run("Gvia (window opens and quits)", [str(gui), "--db", db], env=gui_env)
        if shown_file.exists():
            shown = float(shown_file.read_text("utf-8").split()[0])
            smoke.ok(f"start-up: the window was shown {shown - started:.2f} s "
                     "after the process started")
        elif "Gvia (window opens and quits)" not in smoke.failures:
            smoke.fail("Gvia", f"the window was never shown ({shown_file.name} not written)")

        for log in tracebacks_in_logs(home):
            smoke.fail("log", f"a traceback in {log}", log.read_text("utf-8", "replace"))

    print(f"smoke: {smoke.passed} passed, {len(smoke.failures)} failed")
    if smoke.failures:
        print("smoke: failed: " + ", ".join(dict.fromkeys(smoke.failures)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
