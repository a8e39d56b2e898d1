"""Remembers recent scan results per message text, for conversations that resend their history.

A chat application sends the whole conversation on every turn, so by turn n each earlier
message has been scanned n times. Scanning a fresh kilobyte costs close to a millisecond; a
lookup here costs a hash of the text. Entries are keyed by a 128-bit BLAKE2b digest of the
text (and of a context, such as the instructions a message is checked against), so the cache
holds no message text, only findings (whose snippets are already redacted) and the latest
context, and memory stays bounded by the number of entries.

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
        self, scanner: Callable[..., tuple[Finding, ...]], max_entries: int = MAX_ENTRIES
    ) -> None:
        self._scanner = scanner
        self._max_entries = max_entries
        self._entries: OrderedDict[bytes, tuple[Finding, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        # The digest of the last context seen: one request passes the same instructions for
        # each of its messages, and they can be long. (The only text the cache holds: the
        # instructions of the latest call, until the next one.)
        self._last_context: tuple[str, bytes] | None = None

    def findings(self, text: str, context: str | None = None) -> tuple[Finding, ...]:
        """Return the findings of ``text``, scanning it only if it was not seen recently.

        Args:
            text: The text to scan.
            context: When given, passed to the scanner as its second argument and part of the
                key: the same text under other instructions is another entry.
        """
        if len(text) > MAX_CACHED_CHARS:
            return self._scan(text, context)
        hasher = hashlib.blake2b(digest_size=16, person=b"prysm-scan")
        if context is not None:
            hasher.update(self._context_digest(context))
        hasher.update(text.encode("utf-8", "surrogatepass"))
        digest = hasher.digest()
        with self._lock:
            cached = self._entries.get(digest)
            if cached is not None:
                self._entries.move_to_end(digest)
                self.hits += 1
                return cached
        found = self._scan(text, context)  # outside the lock: texts scanned in parallel
        with self._lock:
            self.misses += 1
            self._entries[digest] = found
            if len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return found

    def _scan(self, text: str, context: str | None) -> tuple[Finding, ...]:
        return self._scanner(text) if context is None else self._scanner(text, context)

    def _context_digest(self, context: str) -> bytes:
        last = self._last_context
        if last is not None and last[0] is context:
            return last[1]
        digest = hashlib.blake2b(context.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        self._last_context = (context, digest)
        return digest
