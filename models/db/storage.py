"""Where the database file lives, and whether that place is safe for SQLite's WAL mode.

WAL needs shared memory between the processes that use the file, which a network file
system does not provide; a cloud-sync client (OneDrive, Dropbox, Google Drive, iCloud)
uploads the database, its -wal and -shm files at different moments and can hand back a
torn copy. Both are worth a visible warning.

`classify_path` is the rule, pure and tested with paths; `storage_risk` feeds it what the
operating system knows (the mount table, Windows' mapped network drives).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath, PureWindowsPath

from models.common.i18n import _

NETWORK = "network"
CLOUD = "cloud"

# Folder names the sync clients create, lower-cased. A component matches when it equals
# the name or starts with it followed by a separator: "OneDrive - Contoso",
# "Dropbox (Personal)", macOS "GoogleDrive-me@gmail.com", "OneDrive-Personal".
_CLOUD_FOLDERS = {
    "onedrive": "OneDrive",
    "dropbox": "Dropbox",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",       # Google Drive for desktop's virtual drive (G:\My Drive)
    "האחסון שלי": "Google Drive",     # hebrew: the same folder's name on a Hebrew system
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "com~apple~clouddocs": "iCloud Drive",  # ~/Library/Mobile Documents/com~apple~CloudDocs
    "mobile documents": "iCloud Drive",
}
_NAME_SEPARATORS = (" ", "-", "(", "_", "@")

# File-system types that live on another machine.
_NETWORK_FS = {
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afpfs", "afp", "webdav",
    "davfs", "fuse.davfs", "fuse.sshfs", "sshfs", "osxfuse", "macfuse", "ncpfs", "9p",
    "ceph", "glusterfs", "fuse.glusterfs", "lustre", "fuse.gvfsd-fuse", "fuse.rclone",
    "fuse.s3fs", "fuse.gcsfuse",
}
_CLOUD_FS = {"fuse.rclone": "rclone", "fuse.s3fs": "S3", "fuse.gcsfuse": "Google Cloud"}


@dataclass(frozen=True)
class StorageRisk:
    kind: str      # NETWORK or CLOUD
    where: str     # the provider ("OneDrive") or the share / file-system type ("nfs4")


@dataclass(frozen=True)
class Mount:
    point: str
    fstype: str
    source: str = ""


def _pure(path: str) -> PurePath:
    """Windows paths are read as Windows paths on any system (the rule is tested on Linux)."""
    if re.match(r"^[A-Za-z]:", path) or path.startswith(("\\\\", "//")) or "\\" in path:
        return PureWindowsPath(path)
    return PurePosixPath(path)


def _cloud_provider(parts: tuple[str, ...]) -> str | None:
    lowered = [p.casefold() for p in parts]
    for i, part in enumerate(lowered):
        # macOS puts every File Provider sync folder under ~/Library/CloudStorage/<Provider>-…
        if part == "cloudstorage" and i > 0 and lowered[i - 1] == "library" and i + 1 < len(parts):
            return _cloud_provider(parts[i + 1:i + 2]) or parts[i + 1].split("-")[0]
        for name, provider in _CLOUD_FOLDERS.items():
            if part == name or (part.startswith(name)
                                and part[len(name)] in _NAME_SEPARATORS):
                return provider
    return None


def _unc_share(path: str) -> str | None:
    """`\\\\server\\share\\…` (or `\\\\?\\UNC\\server\\share`) -> `\\\\server\\share`."""
    text = path.replace("/", "\\")
    if text.startswith("\\\\?\\UNC\\"):
        text = "\\\\" + text[len("\\\\?\\UNC\\"):]
    elif text.startswith(("\\\\?\\", "\\\\.\\")):
        return None  # a long local path or a device, not a share
    if not text.startswith("\\\\"):
        return None
    pieces = [p for p in text[2:].split("\\") if p]
    return "\\\\" + "\\".join(pieces[:2]) if pieces else None


def _mount_of(path: PurePosixPath, mounts: list[Mount]) -> Mount | None:
    """The mount that holds `path`: the longest mount point that is a prefix of it."""
    best = None
    for mount in mounts:
        point = PurePosixPath(mount.point)
        if path == point or point in path.parents:
            if best is None or len(point.parts) > len(PurePosixPath(best.point).parts):
                best = mount
    return best


def classify_path(path: str | os.PathLike, *, mounts: list[Mount] = (),
                  remote_drives: frozenset[str] = frozenset()) -> StorageRisk | None:
    """The risk of keeping a database at `path`, or None when it looks local.

    `mounts` is the POSIX mount table; `remote_drives` the Windows drive letters that
    are mapped network drives (`{"Z"}`).
    """
    text = os.fspath(path)
    pure = _pure(text)
    provider = _cloud_provider(pure.parts)
    if provider:
        return StorageRisk(CLOUD, provider)
    if isinstance(pure, PureWindowsPath):
        share = _unc_share(text)
        if share:
            return StorageRisk(NETWORK, share)
        drive = pure.drive[:1].upper()
        if drive and drive in {d.upper()[:1] for d in remote_drives}:
            return StorageRisk(NETWORK, f"{drive}:")
        return None
    mount = _mount_of(PurePosixPath(text), list(mounts))
    if mount is None:
        return None
    fstype = mount.fstype.casefold()
    if fstype in _CLOUD_FS:
        return StorageRisk(CLOUD, _CLOUD_FS[fstype])
    if fstype in _NETWORK_FS or fstype.startswith(("nfs", "smb", "cifs")):
        return StorageRisk(NETWORK, mount.source or mount.fstype)
    return None


# ---- what the operating system knows ---------------------------------------------------

def parse_proc_mounts(text: str) -> list[Mount]:
    """Linux /proc/mounts: `source point fstype options 0 0`, spaces escaped as \\040."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append(Mount(_unescape(fields[1]), fields[2], _unescape(fields[0])))
    return mounts


def _unescape(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def parse_bsd_mount(text: str) -> list[Mount]:
    """macOS / BSD `mount` output: `//me@server/share on /Volumes/share (smbfs, nodev, …)`."""
    mounts = []
    for line in text.splitlines():
        match = re.match(r"^(.*) on (.*) \(([^,)]+)", line)
        if match:
            mounts.append(Mount(match.group(2), match.group(3).strip(), match.group(1)))
    return mounts


def system_mounts() -> list[Mount]:
    try:
        if sys.platform.startswith("linux"):
            with open("/proc/mounts", encoding="utf-8", errors="replace") as fh:
                return parse_proc_mounts(fh.read())
        if sys.platform == "darwin" or "bsd" in sys.platform:
            out = subprocess.run(["mount"], capture_output=True, text=True, timeout=5)
            return parse_bsd_mount(out.stdout)
    except (OSError, subprocess.SubprocessError):
        pass  # unknown is treated as local: a missing warning, never a false alarm
    return []


def windows_remote_drives() -> frozenset[str]:
    if os.name != "nt":
        return frozenset()
    import ctypes
    import string

    drive_remote = 4  # GetDriveTypeW's DRIVE_REMOTE
    kernel = ctypes.windll.kernel32
    return frozenset(letter for letter in string.ascii_uppercase
                     if kernel.GetDriveTypeW(f"{letter}:\\") == drive_remote)


def storage_risk(path: str | os.PathLike) -> StorageRisk | None:
    """`classify_path` with this machine's mount table and mapped drives."""
    resolved = os.path.abspath(os.fspath(path))
    return classify_path(resolved, mounts=system_mounts(), remote_drives=windows_remote_drives())


def warning_text(risk: StorageRisk) -> str:
    """The warning in the interface language: the words the settings screen shows
    (ui/settings/storage_notice.py asks this function)."""
    if risk.kind == CLOUD:
        return _("The database is in a folder synced to {service}. Syncing while Gvia is "
                 "open can corrupt it: move it to a local folder and let the sync service "
                 "keep only the backups.").format(service=risk.where)
    return _("The database is on a network drive ({place}). SQLite is not safe there: "
             "move it to a local drive of this computer.").format(place=risk.where)
