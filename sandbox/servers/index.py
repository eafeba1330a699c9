"""Indexes over the population's JSON-lines files: a sort key and byte offset per row.

A million persons are never held as objects: each file is scanned once into
compact arrays (sort keys and a few filter attributes packed into one buffer
each, byte offsets in ``array('q')``); a page is found by bisecting the keys
and read with one ``pread`` per row, so a row goes out as the exact bytes on
disk. :class:`IndexedFile` notices a rewritten file (``sandbox mutate``
replaces files atomically, so inode, mtime or size change) and re-indexes it in
a worker thread; the old snapshot keeps its own descriptor, so a page being
served while the file is replaced stays consistent.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import os
import weakref
from array import array
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson

log = logging.getLogger(__name__)

CST = timezone(timedelta(hours=8))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)

Row = dict[str, Any]
Extract = Callable[[Row], bytes]


def time_key(value: object) -> bytes:
    """A sortable key for an ISO-8601 date-time (no offset means +08:00); b"" when unreadable.

    Epoch microseconds, zero-padded, so rows written with different offsets
    still sort by the instant they name.
    """
    instant = parse_instant(value)
    if instant is None:
        return b""
    return b"%020d" % max(0, (instant - _EPOCH) // _MICRO)


def parse_instant(value: object) -> datetime | None:
    """An aware datetime from ISO-8601 text, China time when the text has no offset."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=CST)


def date_key(value: object) -> bytes:
    """A sortable key for an ISO date (or the date part of a date-time); b"" when unreadable."""
    if not isinstance(value, str):
        return b""
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat().encode()
    except ValueError:
        return b""


def text(value: object) -> bytes:
    """A field as UTF-8 bytes for a key or filter (b"" when absent or not a string)."""
    return value.encode() if isinstance(value, str) else b""


class PackedBytes:
    """Many short byte strings in one buffer: a million keys cost bytes, not Python objects."""

    __slots__ = ("_blob", "_ends")

    def __init__(self) -> None:
        self._blob = bytearray()
        self._ends = array("q")

    def append(self, value: bytes) -> None:
        """Add one string at the end."""
        self._blob += value
        self._ends.append(len(self._blob))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> bytes:
        start = self._ends[index - 1] if index > 0 else 0
        return bytes(self._blob[start : self._ends[index]])

    def permuted(self, order: Sequence[int]) -> PackedBytes:
        """The same strings in another order."""
        other = PackedBytes()
        for i in order:
            other.append(self[i])
        return other


class Snapshot:
    """One indexed version of a file: row i's sort key, filter attributes and place on disk."""

    def __init__(
        self,
        signature: object,
        keys: PackedBytes,
        attrs: Mapping[str, PackedBytes],
        starts: array[int],
        lengths: array[int],
        fd: int | None,
    ) -> None:
        self.signature = signature
        self.keys = keys
        self.attrs = dict(attrs)
        self._starts = starts
        self._lengths = lengths
        self._fd = fd
        self._views: OrderedDict[object, array[int]] = OrderedDict()
        # The descriptor lives as long as the snapshot: a page still being served
        # from an old snapshot reads the old file even after a rewrite.
        self._finalizer = weakref.finalize(self, os.close, fd) if fd is not None else None

    def __len__(self) -> int:
        return len(self.keys)

    def row(self, index: int) -> bytes:
        """The exact bytes of row ``index`` (without its newline)."""
        if self._fd is None:
            raise IndexError(index)
        return os.pread(self._fd, self._lengths[index], self._starts[index])

    def rows(self, indices: Sequence[int]) -> list[bytes]:
        """The bytes of several rows, in the order asked."""
        return [self.row(i) for i in indices]

    def find(self, key: bytes) -> int | None:
        """The row whose key is exactly ``key``, if any."""
        at = bisect.bisect_left(self.keys, key)
        return at if at < len(self.keys) and self.keys[at] == key else None

    def view(self, name: object, keep: Callable[[int], bool]) -> array[int]:
        """The rows (in key order) that ``keep`` accepts, computed once per snapshot and ``name``."""
        found = self._views.get(name)
        if found is None:
            found = array("q", (i for i in range(len(self.keys)) if keep(i)))
            self._views[name] = found
            while len(self._views) > 32:  # a few filters are in use at once; forget the oldest
                self._views.popitem(last=False)
        else:
            self._views.move_to_end(name)
        return found

    def close(self) -> None:
        """Release the file descriptor now rather than when collected."""
        if self._finalizer is not None:
            self._finalizer()


def _empty(signature: object) -> Snapshot:
    return Snapshot(signature, PackedBytes(), {}, array("q"), array("q"), None)


def build_snapshot(path: Path, signature: object, key: Extract, attrs: Mapping[str, Extract]) -> Snapshot:
    """Scan ``path`` once into a :class:`Snapshot`, sorting the index if the file is not in key order."""
    keys = PackedBytes()
    columns = {name: PackedBytes() for name in attrs}
    starts, lengths = array("q"), array("q")
    in_order, previous = True, b""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return _empty(signature)
    with handle:
        offset = 0
        for number, line in enumerate(handle, start=1):
            size = len(line)
            body = line.rstrip(b"\r\n")
            try:
                row = orjson.loads(body) if body.strip() else None
            except orjson.JSONDecodeError:
                row = None
            if isinstance(row, dict):
                row_key = key(row)
                in_order = in_order and row_key >= previous
                previous = row_key
                keys.append(row_key)
                for name, extract in attrs.items():
                    columns[name].append(extract(row))
                starts.append(offset)
                lengths.append(len(body))
            elif body.strip():
                # Splicing a line that is not JSON into a page would void the whole page.
                log.warning("%s:%d is not a JSON object; not served", path, number)
            offset += size
    if not in_order:
        order = sorted(range(len(keys)), key=keys.__getitem__)
        keys = keys.permuted(order)
        columns = {name: column.permuted(order) for name, column in columns.items()}
        starts = array("q", (starts[i] for i in order))
        lengths = array("q", (lengths[i] for i in order))
    return Snapshot(signature, keys, columns, starts, lengths, os.open(path, os.O_RDONLY))


class IndexedFile:
    """A data file and its current :class:`Snapshot`, re-indexed when the file changes."""

    def __init__(
        self,
        path: Path,
        key: Extract,
        attrs: Mapping[str, Extract] | None = None,
        extra_signature: Callable[[], object] = lambda: None,
    ) -> None:
        self.path = path
        self._key = key
        self._attrs = dict(attrs or {})
        self._extra = extra_signature
        self._snapshot: Snapshot | None = None
        self._lock = asyncio.Lock()

    def _signature(self) -> object:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return (None, self._extra())
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size, self._extra())

    async def current(self) -> Snapshot:
        """The snapshot of the file as it is now (indexing it first if it changed)."""
        signature = self._signature()
        if self._snapshot is not None and self._snapshot.signature == signature:
            return self._snapshot
        async with self._lock:
            signature = self._signature()
            if self._snapshot is None or self._snapshot.signature != signature:
                fresh = await asyncio.to_thread(build_snapshot, self.path, signature, self._key, self._attrs)
                if self._snapshot is not None:
                    log.info("re-indexed %s (%d rows)", self.path, len(fresh))
                self._snapshot = fresh
            return self._snapshot

    def close(self) -> None:
        """Release the current snapshot's descriptor."""
        if self._snapshot is not None:
            self._snapshot.close()
            self._snapshot = None
