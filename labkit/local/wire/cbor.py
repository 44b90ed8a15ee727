"""CBOR (RFC 8949) as smithy-rpc-v2-cbor uses it: the bodies of EventBridge's Custom Event Bus.

A small reader and writer for the data items AWS's CBOR protocol sends: integers, byte and text
strings, arrays, maps, ``true``/``false``/``null``, floats and epoch timestamps (tag 1). A body
that is not well-formed CBOR raises :class:`CborError` with the byte offset where reading stopped.
"""

from __future__ import annotations

import math
import struct
from datetime import UTC, datetime
from typing import Any

_BREAK = object()
MAX_DEPTH = 64


class CborError(ValueError):
    """A body that is not well-formed CBOR; ``offset`` is where reading stopped."""

    def __init__(self, problem: str, offset: int) -> None:
        super().__init__(f"{problem} at byte {offset}")
        self.offset = offset


def loads(data: bytes) -> Any:
    """The one data item ``data`` holds (trailing bytes are an error)."""
    reader = _Reader(data)
    value = reader.item(0)
    if value is _BREAK:
        raise CborError("a break code outside an indefinite-length item", reader.pos - 1)
    if reader.pos != len(data):
        raise CborError("bytes after the data item", reader.pos)
    return value


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise CborError("the body ends inside a data item", self.pos)
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def argument(self, info: int) -> int | None:
        if info < 24:
            return info
        if info in (24, 25, 26, 27):
            size = 1 << (info - 24)
            return int.from_bytes(self.take(size), "big")
        if info == 31:
            return None  # indefinite length
        raise CborError(f"reserved additional information {info}", self.pos - 1)

    def item(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise CborError("data nested deeper than 64 levels", self.pos)
        start = self.pos
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if major == 7:
            return self._simple(info, start)
        length = self.argument(info)
        if major == 0:
            return length if length is not None else self._bad(start)
        if major == 1:
            return -1 - length if length is not None else self._bad(start)
        if major in (2, 3):
            return self._string(major, length, depth)
        if major == 4:
            return self._array(length, depth)
        if major == 5:
            return self._map(length, depth)
        if length is None:
            return self._bad(start)
        value = self.item(depth + 1)  # major 6: a tag
        if length == 1 and isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        return value

    def _bad(self, start: int) -> Any:
        raise CborError("an indefinite length where none is allowed", start)

    def _simple(self, info: int, start: int) -> Any:
        if info == 20:
            return False
        if info == 21:
            return True
        if info in (22, 23):
            return None
        if info == 25:
            return struct.unpack(">e", self.take(2))[0]
        if info == 26:
            return struct.unpack(">f", self.take(4))[0]
        if info == 27:
            return struct.unpack(">d", self.take(8))[0]
        if info == 31:
            return _BREAK
        raise CborError(f"unsupported simple value {info}", start)

    def _string(self, major: int, length: int | None, depth: int) -> bytes | str:
        if length is None:
            parts = []
            while True:
                part = self.item(depth + 1)
                if part is _BREAK:
                    break
                parts.append(part)
            raw = b"".join(p.encode() if isinstance(p, str) else p for p in parts)
        else:
            raw = self.take(length)
        if major == 2:
            return raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CborError("a text string that is not UTF-8", self.pos) from None

    def _array(self, length: int | None, depth: int) -> list[Any]:
        items = []
        while length is None or len(items) < length:
            value = self.item(depth + 1)
            if value is _BREAK:
                if length is None:
                    break
                raise CborError("a break code inside a definite-length array", self.pos - 1)
            items.append(value)
        return items

    def _map(self, length: int | None, depth: int) -> dict[Any, Any]:
        found: dict[Any, Any] = {}
        while length is None or len(found) < length:
            key = self.item(depth + 1)
            if key is _BREAK:
                if length is None:
                    break
                raise CborError("a break code inside a definite-length map", self.pos - 1)
            if not isinstance(key, str | int):
                raise CborError("a map key that is not a string", self.pos)
            found[key] = self.item(depth + 1)
        return found


def dumps(value: Any) -> bytes:
    """``value`` as one CBOR data item (datetimes as tag 1 epoch seconds)."""
    out = bytearray()
    _write(value, out)
    return bytes(out)


def _head(major: int, argument: int, out: bytearray) -> None:
    if argument < 24:
        out.append(major << 5 | argument)
        return
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            out.append(major << 5 | info)
            out += argument.to_bytes(size, "big")
            return
    raise ValueError(f"integer too large for CBOR: {argument}")


def _write(value: Any, out: bytearray) -> None:
    if value is None:
        out.append(0xF6)
    elif value is True:
        out.append(0xF5)
    elif value is False:
        out.append(0xF4)
    elif isinstance(value, int):
        _head(0, value, out) if value >= 0 else _head(1, -1 - value, out)
    elif isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("CBOR bodies of AWS carry no NaN or infinity")
        out.append(0xFB)
        out += struct.pack(">d", value)
    elif isinstance(value, datetime):
        _head(6, 1, out)
        _write(value.timestamp(), out)
    elif isinstance(value, bytes):
        _head(2, len(value), out)
        out += value
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        _head(3, len(raw), out)
        out += raw
    elif isinstance(value, list | tuple):
        _head(4, len(value), out)
        for item in value:
            _write(item, out)
    elif isinstance(value, dict):
        _head(5, len(value), out)
        for key, item in value.items():
            _write(str(key), out)
            _write(item, out)
    else:
        raise TypeError(f"cannot write {type(value).__name__} as CBOR")
