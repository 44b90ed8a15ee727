"""botocore's data files (the API models), read once per process and kept parsed on disk.

botocore parses its JSON models in every new Session, and again in every process: EC2's model
alone is 3 MB of JSON. A lab process parses EC2, IAM, STS, Logs, EventBridge and the endpoint
tables as it starts (about 0.25 s of its 1.2 s of CPU), a notebook kernel parses Logs and STS
for each identity it signs as. Two savings, for the lab process and the kernel alike:

* one data loader per process instead of one per Session (:func:`share_botocore_loader`);
* every data file botocore reads is kept parsed in the user's cache folder
  (``$XDG_CACHE_HOME/labkit/botocore-data``, or ``LABKIT_CACHE_DIR``; ``off`` turns it off),
  keyed by the file's path, size and modification time and by the Python and botocore versions,
  so an upgrade or an edited file is read afresh. Reading it back takes about a fifth of the
  time parsing the JSON takes. The list of services each loader builds by looking into ~400
  folders is kept the same way.

The cache is pickled botocore data, so it is only read from a folder that the user owns and
nobody else can write to; anything wrong with it (unreadable, truncated, another version)
means the JSON is parsed as before and the entry written again. The cache only ever speeds a
read up: what botocore gets is the same data, of the same types.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore
import botocore.loaders
import botocore.session

#: Where parsed data files are kept (a folder), or ``off`` for no cache.
CACHE_ENV = "LABKIT_CACHE_DIR"
#: The extensions botocore tries, in its order (``botocore.loaders.JSONFileLoader``).
_EXTENSIONS = (".json", ".json.gz")


def cache_folder() -> Path | None:
    """The folder parsed data files are kept in, made if needed; None if caching is off or
    the folder is not the user's alone."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured.lower() in ("off", "0", "false", "no"):
        return None
    if configured:
        folder = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "labkit" / "botocore-data"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except OSError:
        return None
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        return None  # another user could write what this process would unpickle
    return folder


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: a model is tens of thousands of new containers,
    each of which would count towards a collection (a quarter of the read's time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class CachingFileLoader:
    """botocore's JSON file loader, with each parsed file kept in ``folder``."""

    def __init__(self, inner: Any, folder: Path) -> None:
        self._inner = inner
        self._folder = folder

    def exists(self, file_path: str) -> bool:
        """Whether botocore has a data file at ``file_path`` (without its extension)."""
        return bool(self._inner.exists(file_path))

    def load_file(self, file_path: str) -> Any:
        """The parsed data file at ``file_path`` (without its extension), or None."""
        for extension in _EXTENSIONS:
            try:
                status = os.stat(file_path + extension)
            except OSError:
                continue
            entry = self._folder / (self._key(file_path + extension, status) + ".pickle")
            with contextlib.suppress(Exception), open(entry, "rb") as kept, _no_gc():
                return pickle.load(kept)
            data = self._inner.load_file(file_path)
            if data is not None:
                self._keep(entry, data)
            return data
        return None

    @staticmethod
    def _key(path: str, status: os.stat_result) -> str:
        return _entry_key(path, str(status.st_size), str(status.st_mtime_ns), sys.version)

    def _keep(self, entry: Path, data: Any) -> None:
        with contextlib.suppress(pickle.PicklingError):
            _write_whole(entry, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def _entry_key(*parts: str) -> str:
    """A cache entry's name for ``parts`` and the installed botocore's version."""
    identity = "\0".join((botocore.__version__, *parts))
    return hashlib.sha256(identity.encode()).hexdigest()[:40]


def _write_whole(entry: Path, payload: bytes) -> None:
    """Write ``entry`` whole or not at all (other processes read it); a failure is ignored:
    the cache only ever speeds a read up."""
    with contextlib.suppress(OSError):
        handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
            os.replace(temporary, entry)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


class CachedServiceList:
    """A loader's ``list_available_services``, kept in the cache.

    botocore answers it by listing every service folder of every search path and looking into
    each (about 400 folders: ~25 ms), once per kind of file and loader. The answer only changes
    with the folders themselves, so it is kept keyed by the search paths, their modification
    times and botocore's version (an upgrade replaces botocore's data folder).
    """

    def __init__(self, loader: Any, folder: Path) -> None:
        self._listed = loader.list_available_services
        self._search_paths = loader.search_paths
        self._folder = folder

    def __call__(self, type_name: str) -> list[str]:
        stamps = []
        for path in self._search_paths:
            with contextlib.suppress(OSError):
                stamps.append(f"{path}\0{os.stat(path).st_mtime_ns}")
        entry = self._folder / f"services-{_entry_key(type_name, *stamps)}.json"
        with contextlib.suppress(Exception):
            kept = json.loads(entry.read_text(encoding="utf-8"))
            if isinstance(kept, list) and all(isinstance(name, str) for name in kept):
                return kept
        services = list(self._listed(type_name))
        _write_whole(entry, json.dumps(services).encode("utf-8"))
        return services


def read_through_cache(loader: Any) -> Any:
    """``loader`` (a botocore ``Loader``, or moto's) reading its files and its list of services
    through the cache."""
    folder = cache_folder()
    if folder is not None and not isinstance(loader.file_loader, CachingFileLoader):
        loader.file_loader = CachingFileLoader(loader.file_loader, folder)
        loader.list_available_services = CachedServiceList(loader, folder)
    return loader


_lock = threading.Lock()
_loaders: dict[Any, Any] = {}
_original_create_loader = botocore.loaders.create_loader


def shared_loader(search_path_string: Any = None) -> Any:
    """This process's botocore data loader for ``search_path_string`` (botocore's
    ``data_path`` setting; None for its own data), reading through the cache of parsed files."""
    with _lock:
        if search_path_string not in _loaders:
            _loaders[search_path_string] = read_through_cache(
                _original_create_loader(search_path_string)
            )
        return _loaders[search_path_string]


def share_botocore_loader() -> None:
    """One botocore data loader per process (per data search path) instead of one per
    Session, reading through the cache of parsed files. Idempotent."""
    botocore.session.create_loader = shared_loader
