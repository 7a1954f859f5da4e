"""The archive of signed contracts: ``<data dir>/archive/contracts/<number>/<file name>``.

A signed file is copied under a temporary name in the contract's folder, hashed while
copying (SHA-256), flushed to disk and only then renamed to its own name, so the archive
never holds half a file. Folders are created owner-only (0700), files 0600.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from salesflow.i18n import _
from salesflow.workflow.errors import InputError

CHUNK = 1 << 20


def archive_root() -> Path:
    from salesflow.config import data_dir

    return Path(data_dir().value) / "archive" / "contracts"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_signed_file(raw: str) -> Path:
    """The signed file given with ``--file``: an existing, readable regular file."""
    path = Path(raw).expanduser()
    try:
        found = path.is_file()
    except OSError:  # a name too long for the file system: there is no such file
        found = False
    if not found:
        raise InputError(
            _("The signed file {path} does not exist or is not a file (--file).").format(path=raw)
        )
    if not os.access(path, os.R_OK):
        raise InputError(_("The signed file {path} cannot be read (--file).").format(path=raw))
    return path


def _make_private_dirs(folder: Path) -> None:
    for part in reversed([folder, *folder.parents]):
        if not part.exists():
            part.mkdir(mode=0o700)


def archive_copy(source: Path, number: str, root: Path | None = None) -> tuple[Path, str]:
    """Copy ``source`` into the contract's archive folder; (final path, SHA-256)."""
    folder = (root or archive_root()) / number
    _make_private_dirs(folder)
    target = folder / source.name
    temporary = folder / f".{source.name}.partial-{os.getpid()}"
    digest = hashlib.sha256()
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with source.open("rb") as reading, os.fdopen(descriptor, "wb") as writing:
            while chunk := reading.read(CHUNK):
                digest.update(chunk)
                writing.write(chunk)
            writing.flush()
            os.fsync(writing.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(
            _("Cannot archive the signed file {path}: {reason} (--file).").format(
                path=source, reason=exc.strerror or exc
            )
        ) from exc
    return target, digest.hexdigest()
