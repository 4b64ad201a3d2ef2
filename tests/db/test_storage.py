"""The rule that warns when the database sits where WAL is unsafe: network shares and
cloud-synced folders. Tested with paths and mount tables, so it holds on every OS."""
import pytest

from models.db.storage import (
    CLOUD,
    NETWORK,
    Mount,
    StorageRisk,
    classify_path,
    parse_bsd_mount,
    parse_proc_mounts,
    storage_risk,
    warning_text,
)

LINUX_MOUNTS = parse_proc_mounts(
    "/dev/sda1 / ext4 rw,relatime 0 0\n"
    "tmpfs /tmp tmpfs rw 0 0\n"
    "nas:/export/office /mnt/office nfs4 rw,vers=4.2 0 0\n"
    "//fileserver/docs /mnt/my\\040docs cifs rw 0 0\n"
    "remote: /home/dana/cloud fuse.rclone rw 0 0\n"
)


@pytest.mark.parametrize("path, provider", [
    (r"C:\Users\dana\OneDrive\Gvia\gvia.db", "OneDrive"),
    (r"C:\Users\dana\OneDrive - Contoso Ltd\gvia.db", "OneDrive"),
    (r"C:\Users\dana\Dropbox (Personal)\gvia.db", "Dropbox"),
    (r"G:\My Drive\עסק\gvia.db", "Google Drive"),
    (r"C:\Users\dana\iCloudDrive\gvia.db", "iCloud Drive"),
    ("/Users/dana/Library/Mobile Documents/com~apple~CloudDocs/gvia.db", "iCloud Drive"),
    ("/Users/dana/Library/CloudStorage/OneDrive-Personal/gvia.db", "OneDrive"),
    ("/Users/dana/Library/CloudStorage/GoogleDrive-dana@gmail.com/My Drive/gvia.db", "Google Drive"),
    ("/Users/dana/Library/CloudStorage/Box-Box/gvia.db", "Box"),
    ("/home/dana/Dropbox/gvia.db", "Dropbox"),
    ("/home/dana/Google Drive/gvia.db", "Google Drive"),
])
def test_cloud_synced_folders_are_recognised(path, provider):
    assert classify_path(path) == StorageRisk(CLOUD, provider)


@pytest.mark.parametrize("path, share", [
    (r"\\nas\office\gvia.db", r"\\nas\office"),
    ("//nas/office/sub/gvia.db", r"\\nas\office"),
    (r"\\?\UNC\nas\office\gvia.db", r"\\nas\office"),
])
def test_windows_unc_shares_are_network(path, share):
    assert classify_path(path) == StorageRisk(NETWORK, share)


def test_mapped_network_drive_is_network_but_local_drive_is_not():
    assert classify_path(r"Z:\Gvia\gvia.db", remote_drives=frozenset({"Z"})) == \
        StorageRisk(NETWORK, "Z:")
    assert classify_path(r"C:\Gvia\gvia.db", remote_drives=frozenset({"Z"})) is None


@pytest.mark.parametrize("path", [
    r"C:\Users\dana\AppData\Roaming\Gvia\gvia.db",
    r"\\?\C:\Users\dana\Gvia\gvia.db",       # long-path prefix, still a local disk
    "/home/dana/.local/share/Gvia/gvia.db",
    "/home/dana/Documents/dropboxes/gvia.db",  # a name that only resembles a provider
    "/home/dana/OneDriveBackupNotes/gvia.db",
    "/tmp/gvia.db",
])
def test_local_paths_raise_no_warning(path):
    assert classify_path(path, mounts=LINUX_MOUNTS) is None


def test_posix_network_mounts_use_the_deepest_mount_point():
    assert classify_path("/mnt/office/gvia.db", mounts=LINUX_MOUNTS) == \
        StorageRisk(NETWORK, "nas:/export/office")
    assert classify_path("/mnt/my docs/a/gvia.db", mounts=LINUX_MOUNTS).kind == NETWORK
    assert classify_path("/mnt/officex/gvia.db", mounts=LINUX_MOUNTS) is None
    assert classify_path("/home/dana/cloud/gvia.db", mounts=LINUX_MOUNTS) == \
        StorageRisk(CLOUD, "rclone")


def test_macos_mount_output_is_read():
    mounts = parse_bsd_mount(
        "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
        "//dana@nas._smb._tcp.local/office on /Volumes/office (smbfs, nodev, nosuid, mounted by dana)\n")
    assert mounts[1] == Mount("/Volumes/office", "smbfs", "//dana@nas._smb._tcp.local/office")
    assert classify_path("/Volumes/office/gvia.db", mounts=mounts).kind == NETWORK
    assert classify_path("/Users/dana/gvia.db", mounts=mounts) is None


def test_this_machines_temp_folder_is_local(tmp_path):
    assert storage_risk(tmp_path / "gvia.db") is None


def test_warning_text_names_the_place_in_hebrew():
    assert "OneDrive" in warning_text(StorageRisk(CLOUD, "OneDrive"))
    assert "כונן רשת" in warning_text(StorageRisk(NETWORK, r"\\nas\office"))
