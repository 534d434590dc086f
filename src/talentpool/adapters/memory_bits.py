"""Sets of candidate slots as Python integers: the in-memory store's index arithmetic (PF1).

Every candidate the in-memory index holds has a *slot*, a small whole number,
and a set of slots is an ``int`` whose bit *n* is set when slot *n* is in it.
Intersection, union and difference are then ``&``, ``|`` and ``& ~``, computed
in C over a million candidates in microseconds, and ``int.bit_count()`` is the
exact size of a set::

    >>> s = from_slots([1, 5, 9]) & from_slots([5, 9, 12])
    >>> slots_of(s), s.bit_count()
    ([5, 9], 2)

:class:`Bits` is a set kept current one slot at a time (a write adds or removes
one candidate) that hands out the integer when a query needs it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence
from itertools import repeat

__all__ = ["Bits", "Ranges", "from_slots", "slots_of"]

_NONZERO = re.compile(rb"[^\x00]")
_OFFSETS: tuple[tuple[int, ...], ...] = tuple(
    tuple(i for i in range(8) if byte >> i & 1) for byte in range(256)
)
_LOWEST = tuple((byte & -byte).bit_length() - 1 for byte in range(256))


def slots_of(bits: int) -> list[int]:
    """Return the slots of *bits*, smallest first."""
    if bits <= 0:
        return []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    out: list[int] = []
    append, offsets, lowest = out.append, _OFFSETS, _LOWEST
    for found in _NONZERO.finditer(data):
        i = found.start()
        byte, base = data[i], i << 3
        if byte & (byte - 1):  # more than one slot in this byte
            out.extend([base + o for o in offsets[byte]])
        else:
            append(base + lowest[byte])
    return out


_AS_BIT = tuple(bytes([0, 1 << k]) + bytes(254) for k in range(8))
"""For each place *k* in a byte: the translation of a marker byte 1 into bit *k* (0 stays 0)."""
_DENSE = 32
"""A set with at least one slot in this many is made in bulk (see :func:`from_slots`)."""


def from_slots(slots: Iterable[int]) -> int:
    """Return the set of *slots* (in any order, repeats allowed) as an integer.

    A dense set is made in bulk, with no loop of Python code (PF4's index build
    makes sets of up to a million slots): a marker byte per slot is written by
    ``map``, then every eighth marker turned into its bit by a translation. A
    sparse one, whose markers would be mostly zeros, sets its bits one by one.
    """
    chosen = slots if isinstance(slots, Sequence) else list(slots)
    if not chosen:
        return 0
    top = max(chosen)
    if len(chosen) * _DENSE < top:
        buf = bytearray(top // 8 + 1)
        for slot in chosen:
            buf[slot >> 3] |= 1 << (slot & 7)
        return int.from_bytes(buf, "little")
    markers = bytearray(top + 1 + (-(top + 1) % 8))
    deque(map(markers.__setitem__, chosen, repeat(1)), maxlen=0)
    value = 0
    for k, as_bit in enumerate(_AS_BIT):
        value |= int.from_bytes(markers[k::8].translate(as_bit), "little")
    return value


class Bits:
    """A set of slots updated in place, read as an integer (cached until the next change)."""

    __slots__ = ("_buf", "_value")

    def __init__(self) -> None:
        self._buf = bytearray()
        self._value: int | None = 0

    @classmethod
    def of(cls, value: int) -> Bits:
        """Return the set *value* (an integer of slots), to be kept current from now on."""
        bits = cls()
        bits._buf = bytearray(value.to_bytes((value.bit_length() + 7) // 8, "little"))
        bits._value = value
        return bits

    def add(self, slot: int) -> None:
        """Put *slot* in the set."""
        i = slot >> 3
        buf = self._buf
        if i >= len(buf):
            buf.extend(bytes(max(i + 1 - len(buf), len(buf) // 4)))
        buf[i] |= 1 << (slot & 7)
        self._value = None

    def discard(self, slot: int) -> None:
        """Take *slot* out of the set, if it is in it."""
        i = slot >> 3
        if i < len(self._buf):
            self._buf[i] &= ~(1 << (slot & 7)) & 0xFF
            self._value = None

    def __contains__(self, slot: int) -> bool:
        i = slot >> 3
        return i < len(self._buf) and bool(self._buf[i] >> (slot & 7) & 1)

    @property
    def value(self) -> int:
        """The set as an integer."""
        if self._value is None:
            self._value = int.from_bytes(self._buf, "little")
        return self._value

    def memory(self) -> int:
        """Roughly how many bytes the set holds."""
        return len(self._buf) + (0 if self._value is None else self._value.bit_length() // 8)


class Ranges:
    """Runs of consecutive slots gathered into one integer (the grid's cells, PF1)."""

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = bytearray()

    def add(self, start: int, stop: int) -> None:
        """Add the slots from *start* up to, not including, *stop*."""
        if stop <= start:
            return
        buf = self._buf
        need = (stop + 7) >> 3
        if need > len(buf):
            buf.extend(bytes(need - len(buf)))
        first, last = (start + 7) >> 3, stop >> 3  # whole bytes [first, last)
        if first >= last:
            for slot in range(start, stop):
                buf[slot >> 3] |= 1 << (slot & 7)
            return
        for slot in range(start, first << 3):
            buf[slot >> 3] |= 1 << (slot & 7)
        buf[first:last] = b"\xff" * (last - first)
        for slot in range(last << 3, stop):
            buf[slot >> 3] |= 1 << (slot & 7)

    def add_slots(self, slots: Sequence[int]) -> None:
        """Add single slots."""
        for slot in slots:
            self.add(slot, slot + 1)

    @property
    def value(self) -> int:
        """Every slot added, as an integer."""
        return int.from_bytes(self._buf, "little")
