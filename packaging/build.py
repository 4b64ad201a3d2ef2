"""Build the Gvia bundle for this platform, report its size, smoke-test it.

    pip install -r packaging/requirements-build.txt      (exact versions; once)
    python packaging/build.py                            build, archive, smoke test
    python packaging/build.py --smoke-only               smoke-test what dist/ holds

It runs PyInstaller on packaging/gvia.spec into dist/ (work files in build/pyinstaller/),
so dist/ holds:
    Linux, Windows   dist/Gvia/            Gvia[.exe] (window), gvia-cli[.exe], _internal/
    macOS            dist/Gvia.app         (and dist/Gvia/, the same files unbundled)
then packs it as dist/Gvia-<version>-<platform>-<arch>.tar.gz (.zip on Windows) and prints
both sizes and the build time, then runs packaging/smoke.py. The installers are made
from dist/ afterwards: packaging/windows/gvia.iss (Inno Setup) and packaging/macos/make_dmg.sh.
Exit status: PyInstaller's when it fails, else the smoke test's.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"


def version() -> str:
    """THE version (models/common/version.py), read without importing the program."""
    text = (ROOT / "models" / "common" / "version.py").read_text("utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def platform_tag() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "aarch64": "arm64"}.get(machine, machine)
    return f"{system}-{os.environ.get('GVIA_TARGET_ARCH') or machine}"


def size_of(path: Path) -> int:
    """Bytes on disk of the files under `path` (a symbolic link counts as itself)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def megabytes(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB"


def archive(bundle: Path) -> Path:
    """The bundle packed the way it is downloaded: .zip on Windows, .tar.gz elsewhere."""
    name = f"Gvia-{version()}-{platform_tag()}"
    if sys.platform.startswith("win"):
        target = DIST / f"{name}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for path in sorted(bundle.rglob("*")):
                if path.is_file():
                    zf.write(path, Path(bundle.name) / path.relative_to(bundle))
    else:
        target = DIST / f"{name}.tar.gz"
        with tarfile.open(target, "w:gz", compresslevel=6) as tf:
            tf.add(bundle, arcname=bundle.name)  # symbolic links stay links
    return target


def build() -> int:
    shutil.rmtree(DIST, ignore_errors=True)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                           "--log-level", "WARN", "--distpath", str(DIST),
                           "--workpath", str(WORK), str(ROOT / "packaging" / "gvia.spec")],
                          cwd=ROOT)
    if done.returncode != 0:
        print(f"build: PyInstaller failed (exit status {done.returncode})")
        return done.returncode
    print(f"build: PyInstaller took {time.monotonic() - started:.0f} s")
    bundle = DIST / "Gvia.app" if (DIST / "Gvia.app").exists() else DIST / "Gvia"
    started = time.monotonic()
    packed = archive(bundle)
    print(f"build: {bundle.name} is {megabytes(size_of(bundle))} "
          f"({size_of(bundle):,} bytes); {packed.name} is {megabytes(size_of(packed))} "
          f"({size_of(packed):,} bytes), packed in {time.monotonic() - started:.0f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke-only", action="store_true", help="test what dist/ holds")
    parser.add_argument("--no-smoke", action="store_true", help="build and pack only")
    parser.add_argument("--print-version", action="store_true",
                        help="print the version the build is named with, and exit")
    args = parser.parse_args(argv)
    if args.print_version:
        print(version())
        return 0
    sys.stdout.reconfigure(line_buffering=True)  # our lines in order with PyInstaller's
    if not args.smoke_only:
        status = build()
        if status != 0 or args.no_smoke:
            return status
    return subprocess.run([sys.executable, str(ROOT / "packaging" / "smoke.py"),
                           "--dist", str(DIST)], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
