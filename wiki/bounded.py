"""A thread-safe store bounded in bytes that drops its least recently used entries first."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class BoundedStore(Generic[Key, Value]):
    """Entries whose sizes (as `size_of` counts them) add up to at most `capacity` bytes
    (0: keep nothing). Values must not change once stored: threads share them unlocked."""

    def __init__(self, capacity: int, size_of: Callable[[Value], int]) -> None:
        self.capacity = capacity
        self._size_of = size_of
        self._entries: OrderedDict[Key, tuple[Value, int]] = OrderedDict()
        self.size = 0
        self._lock = Lock()

    def get(self, key: Key) -> Value | None:
        """The kept value of the key, if any (now the most recently used)."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: Key, value: Value) -> None:
        """Keep a value, dropping the least recently used ones beyond the capacity (two threads
        may both make one value: either copy is right)."""
        size = self._size_of(value)
        if size > self.capacity:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            self.size += size - (old[1] if old is not None else 0)
            self._entries[key] = (value, size)
            while self.size > self.capacity and self._entries:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._entries.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._entries)
