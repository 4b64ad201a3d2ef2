"""Write packaging/requirements-build.txt: the exact versions a build installs.

    python packaging/lock.py            rewrite the lock from this environment
    python packaging/lock.py --check    exit 1 when the lock differs from this environment

The lock holds setup.cfg's install_requires (for this Python), PyInstaller and pypdf (the
smoke test reads the letter's fonts with it), and everything they require, each at the
version installed here, like `pip freeze` restricted to what the build needs. The few
packages PyInstaller needs only on Windows or macOS are pinned below with their markers.
Run it in the environment you built and tested the bundle in, with Python 3.11 (the
version the installers workflow builds with).
"""
from __future__ import annotations

import argparse
import configparser
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "packaging" / "requirements-build.txt"
BUILD_TOOLS = ["pyinstaller", "pyinstaller-hooks-contrib", "pypdf"]
# PyInstaller's own requirements on the other platforms (not installed on Linux).
OTHER_PLATFORMS = {
    "macholib": ("1.16.4", "sys_platform == 'darwin'"),
    "pefile": ("2024.8.26", "sys_platform == 'win32'"),
    "pywin32-ctypes": ("0.2.3", "sys_platform == 'win32'"),
}


def runtime_requirements() -> list[Requirement]:
    meta = configparser.ConfigParser()
    meta.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = meta["options"]["install_requires"].splitlines()
    found = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            found.append(Requirement(line))
    return found


def closure(roots: list[Requirement]) -> dict[str, str]:
    """{distribution name: installed version} of the roots that apply here and all they
    require (no extras)."""
    env = default_environment()
    pinned: dict[str, tuple[str, str]] = {}
    todo = [r for r in roots if r.marker is None or r.marker.evaluate(env)]
    while todo:
        req = todo.pop()
        key = canonicalize_name(req.name)
        if key in pinned or key in OTHER_PLATFORMS:
            continue
        try:
            dist = distribution(req.name)
        except PackageNotFoundError:
            raise SystemExit(f"lock: {req.name} is not installed here; "
                             "pip install -e . and the build tools first")
        pinned[key] = (dist.metadata["Name"], dist.version)
        for text in dist.requires or []:
            dep = Requirement(text)
            if dep.marker is None or dep.marker.evaluate(dict(env, extra="")):
                todo.append(dep)
    return {name: version for name, version in sorted(pinned.values(),
                                                       key=lambda nv: nv[0].lower())}


def render() -> str:
    pins = closure(runtime_requirements() + [Requirement(n) for n in BUILD_TOOLS])
    lines = [
        "# The exact versions an installer build installs: pip install -r packaging/requirements-build.txt",
        "# Written by packaging/lock.py from the environment the bundle was built and smoke-tested",
        f"# in (CPython {sys.version_info.major}.{sys.version_info.minor}); do not edit by hand.",
        "# PySide6 is pinned exactly: each PySide6 release raises the oldest macOS it runs on",
        "# (packaging/macos/Info.plist's LSMinimumSystemVersion follows it).",
    ]
    lines += [f"{name}=={version}" for name, version in pins.items()]
    lines += [f"{name}=={version} ; {marker}"
              for name, (version, marker) in sorted(OTHER_PLATFORMS.items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = LOCK.read_text("utf-8") if LOCK.exists() else ""
        if current != text:
            print(f"lock: {LOCK.relative_to(ROOT)} is not what this environment has; "
                  "run python packaging/lock.py")
            return 1
        print("lock: up to date")
        return 0
    LOCK.write_text(text, "utf-8")
    print(f"lock: wrote {LOCK.relative_to(ROOT)} ({text.count('==')} pins)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
