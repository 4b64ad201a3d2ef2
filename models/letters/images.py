"""The logo and the scanned signature the letters print, kept with the ledger.

The user chooses a file of their own (`~/Pictures/logo.png`); when it is later moved or
deleted, a letter must not silently go out without it. So the image is taken into the
ledger when it is chosen: its bytes are stored in the settings table (a backup of the
database file alone carries them), and the letters read a copy written next to the
database, `<database folder>/images/<kind>.<ext>`. The copy is written again from the
stored bytes whenever it is missing or differs (a ledger restored, copied or moved
without its folder), so the path in the letter settings always points at the image.

A path chosen before images were kept this way (no bytes stored) is still read as it
is; `missing_images` names one whose file is gone, for the settings to say so.

No Qt here: the settings page and the first-run dialog choose the file; the renderer
(reports.pdf) reads the path in the letter settings, as before.

Public API:
    IMAGE_KINDS                              ("logo", "signature")
    MAX_IMAGE_BYTES
    image_problem(path) -> str | None        why a file cannot go on a letter
    keep_image(kind, path) -> str            store the file's bytes; the copy's path
    forget_image(kind)                       letters are printed without it
    stored_image(kind) -> StoredImage | None
    image_copy(kind) -> str                  the copy letters read ('' when none is stored)
    keep_images(settings) -> settings        save_letter_settings: chosen files taken in
    with_kept_images(settings) -> settings   load_letter_settings: the copies' paths
    missing_images(settings) -> list[(kind, path)]
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from models.common.errors import ValidationError
from models.common.i18n import _
from models.db import files
from models.db.settings import Setting, get_setting, set_setting

IMAGE_KINDS = ("logo", "signature")
PATH_FIELDS = {"logo": "logo_path", "signature": "signature_path"}  # in LetterSettings
SETTING_KEY = "letter_image.{kind}"
MAX_IMAGE_BYTES = 4 * 1024 * 1024  # a scanned signature at 300 dpi is well under this
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))
LRI, PDI = "\u2066", "\u2069"  # a path keeps its own order inside a Hebrew sentence


def _quoted(path) -> str:
    return f"{LRI}{path}{PDI}"


@dataclass(frozen=True)
class StoredImage:
    kind: str
    name: str     # the chosen file's name, for the settings to show
    ext: str      # png | jpg
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def image_format(data: bytes) -> str | None:
    """'png' or 'jpg' for an image the letters' PDF library draws, else None."""
    for magic, ext in _SIGNATURES:
        if data.startswith(magic):
            return ext
    return None


def _readable(data: bytes) -> bool:
    """Whether the picture decodes (Pillow, which reportlab draws PNG with); a file that
    only starts like a PNG is refused when chosen, not skipped on every letter."""
    try:
        from io import BytesIO

        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with reportlab
        return True
    try:
        with Image.open(BytesIO(data)) as picture:
            picture.verify()
        return True
    except Exception:  # noqa: BLE001 - any decoding error means the same to the user
        return False


def _read(path) -> tuple[bytes, str]:
    """The file's bytes and format, or a ValidationError saying why it cannot be used."""
    file = Path(path)
    if not file.is_file():
        raise ValidationError(_("The file {path} was not found.").format(path=_quoted(path)),
                              field="image")
    try:
        size = file.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise ValidationError(
                _("The image {name} is larger than {size} MB; please choose a smaller "
                  "picture (a scan at 300 dpi is enough).").format(
                    name=_quoted(file.name), size=MAX_IMAGE_BYTES // (1024 * 1024)),
                field="image")
        data = file.read_bytes()
    except OSError as exc:
        raise ValidationError(_("The file {path} could not be read: {reason}").format(
            path=_quoted(path), reason=exc.strerror or exc), field="image") from None
    ext = image_format(data)
    if ext is None or not _readable(data):
        raise ValidationError(
            _("The file {name} is not a PNG or JPEG image; please choose a picture in one "
              "of these formats.").format(name=_quoted(file.name)), field="image")
    return data, ext


def image_problem(path) -> str | None:
    """Why the file at `path` cannot go on a letter, or None when it can."""
    try:
        _read(path)
    except ValidationError as exc:
        return str(exc)
    return None


# ---- stored in the ledger --------------------------------------------------------------

def _check_kind(kind: str) -> None:
    if kind not in IMAGE_KINDS:
        raise ValueError(f"unknown letter image {kind!r}")


def stored_image(kind: str) -> StoredImage | None:
    _check_kind(kind)
    stored = get_setting(SETTING_KEY.format(kind=kind))
    if not stored:
        return None
    try:
        data = base64.b64decode(stored["data"])
    except (KeyError, TypeError, ValueError):
        return None
    ext = image_format(data)
    return StoredImage(kind, stored.get("name", ""), ext, data) if ext else None


def images_dir() -> Path:
    """`<database folder>/images`: the copies the letters read, next to the ledger (on a
    server, in this user's cache folder for the ledger: models.db.files)."""
    return files.folder() / "images"


def _write_copy(image: StoredImage) -> Path:
    """The copy of a stored image, written if missing or different. A ledger opened from
    a folder that cannot be written (a backup on a read-only medium) gets its copy in the
    temporary folder instead."""
    name = f"{image.kind}.{image.ext}"
    for folder in (images_dir(), Path(tempfile.gettempdir()) / "gvia-images" / image.digest[:16]):
        target = folder / name
        try:
            if target.is_file() and target.read_bytes() == image.data:
                return target
            folder.mkdir(parents=True, exist_ok=True)
            for other in folder.glob(f"{image.kind}.*"):  # a logo.jpg replaced by logo.png
                if other != target:
                    other.unlink(missing_ok=True)
            partial = target.with_name(target.name + ".partial")
            partial.write_bytes(image.data)
            partial.replace(target)
            return target
        except OSError:
            continue
    raise ValidationError(_("The image could not be written next to the ledger, nor in the "
                            "temporary folder."))


# (images folder, kind) -> (the stored setting's text, the copy's path): the letter
# settings are loaded often (every batch, every dunning plan); the image is decoded and
# its copy compared only when the stored image changed or the copy went missing.
_copies: dict[tuple[str, str], tuple[str, str]] = {}


def image_copy(kind: str, value: str | None = None) -> str:
    """The path of the copy the letters read ('' when no image is stored). `value`: the
    stored setting's text, when the caller read it (with_kept_images reads both kinds at
    once)."""
    _check_kind(kind)
    if value is None:
        row = Setting.get_or_none(Setting.key == SETTING_KEY.format(kind=kind))
        if row is None:
            return ""
        value = row.value
    key = (str(images_dir()), kind)
    known = _copies.get(key)
    if known and known[0] == value and Path(known[1]).is_file():
        return known[1]
    image = stored_image(kind)
    if image is None:
        return ""
    try:
        copy = str(_write_copy(image))
    except ValidationError:
        return ""
    _copies[key] = (value, copy)
    return copy


def keep_image(kind: str, path) -> str:
    """Take the chosen file into the ledger (its bytes in the settings, a copy next to the
    database) and return the copy's path. Raises ValidationError for a file that cannot
    go on a letter."""
    _check_kind(kind)
    data, ext = _read(path)
    set_setting(SETTING_KEY.format(kind=kind), {
        "name": Path(path).name, "data": base64.b64encode(data).decode("ascii")})
    return str(_write_copy(StoredImage(kind, Path(path).name, ext, data)))


def forget_image(kind: str) -> None:
    """No image of this kind: letters are printed without it (the copy is removed)."""
    _check_kind(kind)
    Setting.delete().where(Setting.key == SETTING_KEY.format(kind=kind)).execute()
    try:
        for copy in images_dir().glob(f"{kind}.*"):
            copy.unlink(missing_ok=True)
    except OSError:
        pass


def _is_copy(kind: str, path: str) -> bool:
    """Whether `path` is already the stored image (its copy, wherever it was written)."""
    image = stored_image(kind)
    if image is None or not path:
        return False
    file = Path(path)
    try:
        return file.name == f"{kind}.{image.ext}" and file.read_bytes() == image.data
    except OSError:
        return False


def keep_images(settings):
    """The letter settings about to be saved, with every newly chosen image taken into
    the ledger and its path replaced by the copy's; an emptied path forgets the image.
    A path that is already the kept copy is left alone (saving other settings), and so is
    one that cannot be read (an old setting whose file is gone: saving the envelope's
    measurements must not fail over it; the settings page says it is missing)."""
    changes = {}
    for kind, field in PATH_FIELDS.items():
        path = getattr(settings, field) or ""
        if not path:
            if stored_image(kind) is not None:
                forget_image(kind)
        elif not _is_copy(kind, path) and image_problem(path) is None:
            changes[field] = keep_image(kind, path)
    return dataclasses.replace(settings, **changes) if changes else settings


def with_kept_images(settings):
    """The letter settings as loaded, pointing at the copies of the kept images (written
    again if the folder lost them)."""
    changes = {}
    keys = {SETTING_KEY.format(kind=kind): kind for kind in PATH_FIELDS}
    stored = {keys[row.key]: row.value
              for row in Setting.select().where(Setting.key.in_(list(keys)))}  # one query
    for kind, field in PATH_FIELDS.items():
        copy = image_copy(kind, stored[kind]) if kind in stored else ""
        if copy:
            changes[field] = copy
    return dataclasses.replace(settings, **changes) if changes else settings


def missing_images(settings) -> list[tuple[str, str]]:
    """(kind, path) of each image the settings name whose file is gone: letters are
    printed without it until the user chooses it again."""
    return [(kind, getattr(settings, field)) for kind, field in PATH_FIELDS.items()
            if getattr(settings, field) and not Path(getattr(settings, field)).is_file()]
