"""Writing generated files (PDFs) so that a reader never sees half of one and a second run replaces the first.

The bytes go to a temporary file beside their final place, are flushed to disk, then renamed over it;
the rename is made durable too. A storage without local paths (an object store) saves whole objects.
"""

from __future__ import annotations

import errno
import os
import tempfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def local_path(name: str) -> str | None:
    try:
        return default_storage.path(name)
    except NotImplementedError:  # a remote storage: no path, and no rename
        return None


def stage(target: str, content: bytes) -> str:
    """Write the bytes beside their final place, on disk before anything points at them."""
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    descriptor, staged = tempfile.mkstemp(dir=folder, prefix=os.path.basename(target) + ".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if default_storage.file_permissions_mode is not None:
            os.chmod(staged, default_storage.file_permissions_mode)
    except BaseException:
        os.unlink(staged)
        raise
    return staged


def sync_directory(path: str) -> None:
    """Make the rename itself durable: after a power cut the row must not point at the old file."""
    descriptor = os.open(os.path.dirname(path), os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def save_through_storage(name: str, content: bytes) -> None:
    # An object store writes an object whole or not at all; the name must stay the one the caller derived.
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:
        raise OSError(errno.EEXIST, "the storage renamed the file")
