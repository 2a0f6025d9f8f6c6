"""A built search index on disk, mapped (not copied) by every process that searches it.

An index is a directory: one `.npy` file per array of `search.columns_of` and `index.json` with
the small tables (vocabularies and group keys) and what the builder wants to remember (`info`).
`open_index` maps the arrays with `np.load(mmap_mode="r")`: the pages live once in the operating
system's page cache, and every process mapping the same files shares them; a process holds only
the tables (a few thousand entries) and what it computes per query.

An `IndexStore` keeps the versions of one index under a root directory:

    root/
      current                 the name of the version to read (replaced atomically)
      20261207T153000000000-41/   one version: *.npy and index.json
      .building-…/            a version being written (never read)

`publish` writes a new version into a hidden directory, fsyncs every file, renames the directory
into place and then replaces `current`, so a reader sees either the old version or the new one,
whole. `Watcher.get` notices a new `current` with one `stat` and maps it. `prune` removes versions
no longer current after a grace period: a process that mapped one keeps its pages until it lets
go of them (the files are unlinked, not truncated), so removal never breaks a search in flight.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .search import Arrays, SearchIndex, Tables

FORMAT = 1
POINTER = "current"
TABLES = "index.json"


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def save(arrays: Arrays, tables: Tables, directory: Path, *, info: dict[str, Any] | None = None) -> None:
    """Write an index's arrays and tables into `directory` (created), every file synced to disk."""
    directory.mkdir(parents=True)
    for name, array in arrays.items():
        with open(directory / f"{name}.npy", "wb") as out:
            np.save(out, np.ascontiguousarray(array), allow_pickle=False)
            out.flush()
            os.fsync(out.fileno())
    with open(directory / TABLES, "w", encoding="utf-8") as out:
        json.dump({"format": FORMAT, "arrays": sorted(arrays), "tables": tables, "info": info or {}}, out)
        out.flush()
        os.fsync(out.fileno())
    _fsync_directory(directory)


@dataclass(frozen=True)
class Opened:
    """An index mapped from disk, the version it came from and the builder's `info`."""

    version: str
    index: SearchIndex
    info: dict[str, Any]


def open_index(directory: Path) -> tuple[SearchIndex, dict[str, Any]]:
    """Map the index saved in `directory` (read-only: nothing is copied into the process)."""
    with open(directory / TABLES, encoding="utf-8") as source:
        meta = json.load(source)
    if meta.get("format") != FORMAT:
        raise ValueError(f"search index format {meta.get('format')!r}, expected {FORMAT}")
    arrays: Arrays = {
        # A plain ndarray view of the mapping: operations on it give plain arrays, not memmaps.
        name: np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray)
        for name in meta["arrays"]
    }
    return SearchIndex.of_columns(arrays, meta["tables"]), meta["info"]


class IndexStore:
    """The versions of one index under `root` (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def pointer(self) -> Path:
        return self.root / POINTER

    def publish(self, arrays: Arrays, tables: Tables, *, info: dict[str, Any] | None = None) -> str:
        """Write a new version and make it the current one, atomically. Returns its name."""
        self.root.mkdir(parents=True, exist_ok=True)
        version = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}"
        building = self.root / f".building-{version}"
        save(arrays, tables, building, info=info)
        os.rename(building, self.root / version)
        _fsync_directory(self.root)
        pointing = self.root / f".{POINTER}-{version}"
        with open(pointing, "w", encoding="utf-8") as out:
            out.write(version)
            out.flush()
            os.fsync(out.fileno())
        os.replace(pointing, self.pointer)
        _fsync_directory(self.root)
        return version

    def current_version(self) -> str | None:
        try:
            version = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return version if version and (self.root / version / TABLES).exists() else None

    def open_current(self) -> Opened | None:
        version = self.current_version()
        if version is None:
            return None
        index, info = open_index(self.root / version)
        return Opened(version, index, info)

    def prune(self, *, grace_seconds: float, now: float | None = None) -> list[str]:
        """Remove the versions replaced more than `grace_seconds` ago, and what a builder that
        stopped half-way left behind. Returns the names removed.

        Every version older than the current one was replaced when the pointer last moved (the
        pointer file's time); a version newer than the current one is being published: kept.
        """
        current = self.current_version()
        if current is None:
            return []
        now = time.time() if now is None else now
        replaced_long_ago = now - self.pointer.stat().st_mtime > grace_seconds
        removed = []
        for entry in sorted(self.root.iterdir()):
            if entry.name.startswith("."):
                stale = now - entry.stat().st_mtime > grace_seconds
            else:
                stale = entry.is_dir() and entry.name < current and replaced_long_ago
            if stale:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed.append(entry.name)
        return removed


class Watcher:
    """A process's view of a store's current version: re-mapped when `current` changes.

    `get` looks at the pointer at most every `every` seconds (one `stat`), and maps a new version
    only when the pointer file changed (a new inode: `publish` replaces it).
    """

    def __init__(self, store: IndexStore, *, every: float) -> None:
        self.store, self.every = store, every
        self._seen: tuple[int, int] | None = None
        self._checked = float("-inf")
        self._opened: Opened | None = None

    def get(self) -> Opened | None:
        now = time.monotonic()
        if now - self._checked < self.every and self._opened is not None:
            return self._opened
        self._checked = now
        try:
            status = self.store.pointer.stat()
        except FileNotFoundError:
            self._seen, self._opened = None, None
            return None
        seen = (status.st_ino, status.st_mtime_ns)
        if seen != self._seen or self._opened is None:
            try:
                opened = self.store.open_current()
            except (FileNotFoundError, ValueError):
                # Pruned or half-gone under us (a store shared over a network): the next look tries again.
                opened = None
            self._seen, self._opened = (seen if opened is not None else None), opened
        return self._opened
