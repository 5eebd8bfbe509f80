"""Find dataset files on disk, or download them from public mirrors into a cache folder.

A dataset names its files as :class:`Resource`\\ s. Each is stored decompressed, under its plain
name, in the dataset's ``raw`` folder; a gzip archive ``<name>.gz`` next to it (or in another
searched folder) is read just as well. ``download`` fetches ``<mirror><name>.gz`` trying each
mirror in turn with a few retries, decompresses it, verifies the md5 checksum, and only then
moves it into place (write to a temporary file in the same folder, then an atomic rename), so a
cache never holds a partial or corrupt file under the real name.

Datasets published as one :class:`Archive` (CIFAR-10's ``.tar.gz``, EMNIST's ``.zip``) go through
``download_archive``: the archive's md5 is verified, then the wanted members are written the same
atomic way. ``verify_file`` checks a file already on disk against its published md5.
"""
from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import io
import socket
import tarfile
import tempfile
import time
import urllib.error
import zipfile
import zlib
from dataclasses import dataclass
from typing import Callable
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


@dataclass(frozen=True)
class Archive:
    """A ``.tar.gz`` or ``.zip`` at ``url`` holding several files of a dataset, with the archive's md5."""

    url: str
    md5: str


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


def mirror_urls(resources: list, mirrors: list) -> list:
    """Where each of ``resources`` can be downloaded: ``<mirror><name>.gz`` for every mirror."""
    return [f"{mirror}{resource.name}.gz" for resource in resources for mirror in mirrors]


def missing_files_message(dataset: str, names: list, folder: str, urls: list, reason: str,
                          source: str = "downloaded from", gzip_ok: bool = True) -> str:
    """The error for files that are neither on disk nor downloadable: what, why, where to put them, where from."""
    listed = "\n".join(f"  {url}" for url in urls)
    kinds = " (plain or as .gz)" if gzip_ok else ""
    return (f"Dataset {dataset} not found: missing {', '.join(names)}.\n{reason}\n"
            f"Put the files{kinds} into {folder}, for example {source}:\n{listed}")


def archive_source(archive: Archive) -> tuple:
    """``missing_files_message``'s ``urls`` and ``source`` for files published inside ``archive``."""
    return [f"{archive.url} (md5 {archive.md5})"], "extracted from"


def download(dataset: str, resources: list, mirrors: list, folder: str) -> None:
    """Download each of ``resources`` into ``folder``; RuntimeError naming the files that failed."""
    os.makedirs(folder, exist_ok=True)
    failures = {resource: _download_one(resource, mirrors, folder) for resource in resources}
    failed = [resource for resource, errors in failures.items() if errors]
    if failed:
        details = "".join(f"\n  {error}" for resource in failed for error in failures[resource])
        raise RuntimeError(missing_files_message(dataset, [resource.name for resource in failed], folder,
                                                 mirror_urls(failed, mirrors), f"Download failed:{details}"))


def _archive_members(data: bytes):
    """``(base name, bytes)`` of each regular file in a zip or (possibly compressed) tar archive."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    yield os.path.basename(info.filename), archive.read(info)
        return
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        for member in archive:
            if member.isfile():
                yield os.path.basename(member.name), archive.extractfile(member).read()


def download_archive(dataset: str, archive: Archive, wanted: Callable[[str], bool], names: list,
                     folder: str) -> None:
    """Download ``archive``, verify its md5 and write the members whose base name is ``wanted`` into
    ``folder`` (only base names are used, so no member can land outside it); RuntimeError naming
    ``names`` (the files the dataset needs) when the download fails or the checksum differs."""
    os.makedirs(folder, exist_ok=True)
    try:
        data = _fetch(archive.url)
        if hashlib.md5(data).hexdigest() != archive.md5:
            raise ValueError(f"md5 checksum mismatch (expected {archive.md5} of the archive)")
        for name, content in _archive_members(data):
            if wanted(name):
                _atomic_write(os.path.join(folder, name), content)
    except (*_NETWORK_ERRORS, EOFError, zlib.error, tarfile.TarError, zipfile.BadZipFile, ValueError) as error:
        urls, source = archive_source(archive)
        raise RuntimeError(missing_files_message(dataset, names, folder, urls, f"Download failed:\n  {archive.url}: {error}",
                                                 source, gzip_ok=False)) from None


def verify_file(path: str, md5: str, dataset: str, urls: list, source: str = "downloaded from") -> None:
    """RuntimeError naming ``path``, its folder and where to get it when its md5 is not ``md5``."""
    with open(path, "rb") as file:
        found = hashlib.md5(file.read()).hexdigest()
    if found != md5:
        folder, name = os.path.split(path)
        listed = "\n".join(f"  {url}" for url in urls)
        raise RuntimeError(f"Dataset {dataset}: file {path} is corrupt (md5 {found}, expected {md5}).\n"
                           f"Delete it and use download=True, or put an intact {name} into {folder}, "
                           f"for example {source}:\n{listed}")
