"""Find dataset files on disk, or download them from public mirrors into a cache folder.

A dataset names its files as :class:`Resource`\\ s. Each is stored decompressed, under its plain
name, in the dataset's ``raw`` folder; a gzip archive ``<name>.gz`` next to it (or in another
searched folder) is read just as well. ``download`` fetches ``<mirror><name>.gz`` trying each
mirror in turn with a few retries, decompresses it, verifies the md5 checksum, and only then
moves it into place (write to a temporary file in the same folder, then an atomic rename), so a
cache never holds a partial or corrupt file under the real name.
"""
from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import socket
import tempfile
import time
import urllib.error
import zlib
from dataclasses import dataclass
from urllib.request import urlopen

# Seconds to wait before the 2nd and 3rd attempt at one URL.
RETRY_DELAYS_S = (1.0, 3.0)
TIMEOUT_S = 30.0
# URLError and timeouts are OSErrors; a connection cut mid-body raises IncompleteRead.
_NETWORK_ERRORS = (OSError, http.client.HTTPException)


@dataclass(frozen=True)
class Resource:
    """One file of a dataset.

    ``md5`` is the checksum of the *decompressed* file when ``md5_of == "decompressed"`` — it then
    holds whatever mirror or compression produced the file — or of the mirror's ``.gz`` archive
    when ``md5_of == "archive"`` (for datasets that publish only that).
    """

    name: str
    md5: str
    md5_of: str = "decompressed"

    def verify(self, archive: bytes, data: bytes) -> bool:
        checked = data if self.md5_of == "decompressed" else archive
        return hashlib.md5(checked).hexdigest() == self.md5


def find_file(name: str, folders: list) -> str | None:
    """The first of ``<folder>/<name>`` or ``<folder>/<name>.gz`` that exists, folders in order."""
    for folder in folders:
        for candidate in (name, name + ".gz"):
            path = os.path.join(folder, candidate)
            if os.path.isfile(path):
                return path
    return None


def _read_url(url: str) -> bytes:
    with urlopen(url, timeout=TIMEOUT_S) as response:
        return response.read()


def _is_permanent(error: Exception) -> bool:
    """Errors a retry cannot fix: an unknown host name (typically no network) or an HTTP 4xx."""
    if isinstance(error, urllib.error.HTTPError):
        return 400 <= error.code < 500
    return isinstance(getattr(error, "reason", None), socket.gaierror)


def _fetch(url: str) -> bytes:
    """The body at ``url``, tried up to ``1 + len(RETRY_DELAYS_S)`` times; the last error propagates."""
    for delay in RETRY_DELAYS_S:
        try:
            return _read_url(url)
        except _NETWORK_ERRORS as error:
            if _is_permanent(error):
                raise
            time.sleep(delay)
    return _read_url(url)


def _atomic_write(path: str, data: bytes) -> None:
    folder = os.path.dirname(path)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=os.path.basename(path) + ".", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _download_one(resource: Resource, mirrors: list, folder: str) -> list:
    """Download ``resource`` into ``folder``; returns the failures (``url: reason``), empty on success."""
    failures = []
    for mirror in mirrors:
        url = f"{mirror}{resource.name}.gz"
        try:
            archive = _fetch(url)
            data = gzip.decompress(archive)
        except (*_NETWORK_ERRORS, EOFError, zlib.error) as error:
            failures.append(f"{url}: {error}")
            continue
        if not resource.verify(archive, data):
            failures.append(f"{url}: md5 checksum mismatch (expected {resource.md5} of the {resource.md5_of} file)")
            continue
        _atomic_write(os.path.join(folder, resource.name), data)
        return []
    return failures


def missing_files_message(dataset: str, missing: list, folder: str, mirrors: list, reason: str) -> str:
    """The error for files that are neither on disk nor downloadable: what, why, where to put them, where from."""
    urls = "\n".join(f"  {mirror}{resource.name}.gz" for resource in missing for mirror in mirrors)
    names = ", ".join(resource.name for resource in missing)
    return (f"Dataset {dataset} not found: missing {names}.\n{reason}\n"
            f"Put the files (plain or as .gz) into {folder}, for example downloaded from:\n{urls}")


def download(dataset: str, resources: list, mirrors: list, folder: str) -> None:
    """Download each of ``resources`` into ``folder``; RuntimeError naming the files that failed."""
    os.makedirs(folder, exist_ok=True)
    failures = {resource: _download_one(resource, mirrors, folder) for resource in resources}
    failed = [resource for resource, errors in failures.items() if errors]
    if failed:
        details = "".join(f"\n  {error}" for resource in failed for error in failures[resource])
        raise RuntimeError(missing_files_message(dataset, failed, folder, mirrors, f"Download failed:{details}"))
