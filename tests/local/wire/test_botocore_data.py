"""botocore's data read through the cache of parsed files: same data, same types; a damaged or
foreign cache is never trusted; an edited file is read afresh."""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from pathlib import Path

import botocore.loaders
import pytest

from labkit.local.wire import botocore_data
from labkit.local.wire.botocore_data import CachingFileLoader, cache_folder, read_through_cache


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv(botocore_data.CACHE_ENV, str(cache))
    return cache


def _model(tmp_path: Path, members: dict[str, int]) -> str:
    """A data file like botocore's (``<path>.json``); returns its path without the extension."""
    path = tmp_path / "data" / "service-2"
    path.parent.mkdir(exist_ok=True)
    path.with_suffix(".json").write_text(json.dumps({"shapes": members}))
    return str(path)


def test_a_cached_read_is_the_same_data_of_the_same_types(folder: Path) -> None:
    loader = read_through_cache(botocore.loaders.create_loader())
    first = loader.load_service_model("logs", "service-2")
    again = read_through_cache(botocore.loaders.create_loader()).load_service_model(
        "logs", "service-2"
    )
    plain = botocore.loaders.Loader().load_service_model("logs", "service-2")
    assert first == again == plain
    assert type(again["operations"]) is type(plain["operations"]) is OrderedDict
    assert any(folder.glob("*.pickle"))


def test_a_damaged_entry_is_read_from_json_and_written_again(folder: Path, tmp_path: Path) -> None:
    path = _model(tmp_path, {"A": 1})
    files = CachingFileLoader(botocore.loaders.JSONFileLoader(), cache_folder())  # type: ignore[arg-type]
    assert files.load_file(path) == {"shapes": {"A": 1}}
    (entry,) = folder.glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert files.load_file(path) == {"shapes": {"A": 1}}
    assert entry.read_bytes() != b"not a pickle"


def test_an_edited_file_is_read_afresh(folder: Path, tmp_path: Path) -> None:
    path = _model(tmp_path, {"A": 1})
    files = CachingFileLoader(botocore.loaders.JSONFileLoader(), cache_folder())  # type: ignore[arg-type]
    assert files.load_file(path) == {"shapes": {"A": 1}}
    Path(path + ".json").write_text(json.dumps({"shapes": {"A": 1, "B": 2}}))
    assert files.load_file(path) == {"shapes": {"A": 1, "B": 2}}
    assert files.load_file(str(tmp_path / "missing")) is None


def test_a_folder_others_can_write_to_is_not_used(folder: Path) -> None:
    folder.mkdir(mode=0o700)
    assert cache_folder() == folder
    os.chmod(folder, 0o777)
    assert cache_folder() is None


def test_off_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(botocore_data.CACHE_ENV, "off")
    assert cache_folder() is None
    loader = read_through_cache(botocore.loaders.create_loader())
    assert not isinstance(loader.file_loader, CachingFileLoader)


class _CountingLoader:
    """Stands in for a botocore Loader: counts how often it lists its services."""

    def __init__(self, search_paths: list[str]) -> None:
        self.search_paths = search_paths
        self.listings = 0
        self.file_loader = botocore.loaders.JSONFileLoader()

    def list_available_services(self, type_name: str) -> list[str]:
        self.listings += 1
        return [*sorted(p.name for p in Path(self.search_paths[0]).iterdir()), type_name]


def test_the_service_list_is_kept_until_a_search_path_changes(folder: Path, tmp_path: Path) -> None:
    data = tmp_path / "models"
    (data / "logs").mkdir(parents=True)
    first = read_through_cache(_CountingLoader([str(data)]))
    assert first.list_available_services("service-2") == ["logs", "service-2"]
    second = read_through_cache(_CountingLoader([str(data)]))
    assert second.list_available_services("service-2") == ["logs", "service-2"]
    assert second.listings == 0  # read from the cache
    (data / "sqs").mkdir()
    os.utime(data, ns=(1, os.stat(data).st_mtime_ns + 1_000_000))  # a new service folder
    third = read_through_cache(_CountingLoader([str(data)]))
    assert third.list_available_services("service-2") == ["logs", "sqs", "service-2"]
    assert third.listings == 1


def test_the_real_service_list_is_the_same_through_the_cache(folder: Path) -> None:
    listed = read_through_cache(botocore.loaders.create_loader()).list_available_services(
        "service-2"
    )
    assert listed == botocore.loaders.Loader().list_available_services("service-2")
    assert "logs" in listed and "events" in listed
