"""``with``-blocks for objects that hold a connection, a server or a file until closed."""

from __future__ import annotations

from typing import Self


class ClosedOnExit:
    """``with thing:`` gives ``thing`` and calls its ``close()`` when the block ends."""

    def close(self) -> None:
        """Release what the object holds (subclasses define it)."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
