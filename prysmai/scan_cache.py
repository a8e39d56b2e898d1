"""Remembers recent scan results per message text, for conversations that resend their history.

A chat application sends the whole conversation on every turn, so by turn n each earlier
message has been scanned n times. Scanning a fresh kilobyte costs close to a millisecond; a
lookup here costs a hash of the text. Entries are keyed by a 128-bit BLAKE2b digest of the
text, so the cache holds no message text, only findings (whose snippets are already
redacted), and memory stays bounded by the number of entries.

Limitations:
    Results are reused only for the exact same text under the same settings (one cache per
    monitored client). Texts longer than :data:`MAX_CACHED_CHARS` are always scanned afresh.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from prysmai.security.findings import Finding

MAX_ENTRIES: Final = 2048
MAX_CACHED_CHARS: Final = 64 * 1024
"""Longer texts are rare, and hashing them would cost a noticeable part of scanning them."""


class ScanCache:
    """A thread-safe least-recently-used map from message text to its findings.

    Args:
        scanner: Returns the findings of one text; called on a miss.
        max_entries: How many texts to remember.
    """

    def __init__(
        self, scanner: Callable[[str], tuple[Finding, ...]], max_entries: int = MAX_ENTRIES
    ) -> None:
        self._scanner = scanner
        self._max_entries = max_entries
        self._entries: OrderedDict[bytes, tuple[Finding, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def findings(self, text: str) -> tuple[Finding, ...]:
        """Return the findings of ``text``, scanning it only if it was not seen recently."""
        if len(text) > MAX_CACHED_CHARS:
            return self._scanner(text)
        digest = hashlib.blake2b(
            text.encode("utf-8", "surrogatepass"), digest_size=16, person=b"prysm-scan"
        ).digest()
        with self._lock:
            cached = self._entries.get(digest)
            if cached is not None:
                self._entries.move_to_end(digest)
                self.hits += 1
                return cached
        found = self._scanner(text)  # outside the lock: scans of different texts run in parallel
        with self._lock:
            self.misses += 1
            self._entries[digest] = found
            if len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return found
