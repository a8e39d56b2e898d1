"""Who a call is for: user, session and custom metadata attached to every recorded call.

``prysm_context`` holds a process-wide default (``prysm_context.set``) and scoped values
(``with prysm_context(...)``) layered on top of it. Scopes live in a ``ContextVar``, so each
thread and each asyncio task sees its own scope, while the default is shared by all of them.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, TracebackType
from typing import Any


@dataclass(frozen=True, slots=True)
class ContextValues:
    """User, session and metadata in force for one call."""

    user_id: str | None = None
    session_id: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def merged_with(self, other: ContextValues) -> ContextValues:
        """Return these values overridden by ``other``; metadata keys are merged."""
        if other is EMPTY:
            return self
        if self is EMPTY:
            return other
        metadata = {**self.metadata, **other.metadata} if other.metadata else self.metadata
        return ContextValues(
            user_id=other.user_id if other.user_id is not None else self.user_id,
            session_id=other.session_id if other.session_id is not None else self.session_id,
            metadata=MappingProxyType(dict(metadata)),
        )


EMPTY = ContextValues()

_scoped: contextvars.ContextVar[ContextValues] = contextvars.ContextVar(
    "prysm_context", default=EMPTY
)


def _make_values(
    user_id: str | None, session_id: str | None, metadata: Mapping[str, Any] | None
) -> ContextValues:
    if metadata is not None and not isinstance(metadata, Mapping):
        msg = f"metadata must be a mapping, got {type(metadata).__name__}"
        raise TypeError(msg)
    return ContextValues(
        user_id=None if user_id is None else str(user_id),
        session_id=None if session_id is None else str(session_id),
        metadata=MappingProxyType(dict(metadata or {})),
    )


class _PrysmContext:
    """Set, read and scope the user, session and metadata recorded with each call.

    Use it three ways::

        prysm_context.set(user_id="u-1")                  # default for the whole process
        with prysm_context(session_id="s-9", metadata={"feature": "search"}):
            client.chat.completions.create(...)           # recorded with u-1, s-9, feature
        prysm_context.get()                               # the values in force here
    """

    _default: ContextValues = EMPTY

    def set(
        self,
        user_id: str | None = None,
        session_id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Set the process-wide default seen by every thread and task."""
        type(self)._default = _make_values(user_id, session_id, metadata)

    def get(self) -> ContextValues:
        """Return the values in force in the current thread or task."""
        return type(self)._default.merged_with(_scoped.get())

    def clear(self) -> None:
        """Forget the process-wide default and the current scope's values."""
        type(self)._default = EMPTY
        _scoped.set(EMPTY)

    def __call__(
        self,
        user_id: str | None = None,
        session_id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> ContextScope:
        """Return a scope to use with ``with``; it merges into any enclosing scope."""
        return ContextScope(_make_values(user_id, session_id, metadata))

    def snapshot(self) -> tuple[ContextValues, ContextValues]:
        """Cheap capture of the values for the current call, resolved later off the hot path."""
        return type(self)._default, _scoped.get()


class ContextScope:
    """A ``with`` block during which extra user, session or metadata values apply."""

    __slots__ = ("_token", "_values")

    def __init__(self, values: ContextValues) -> None:
        self._values = values
        self._token: contextvars.Token[ContextValues] | None = None

    def __enter__(self) -> ContextValues:
        merged = _scoped.get().merged_with(self._values)
        self._token = _scoped.set(merged)
        return merged

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._token is not None:
            _scoped.reset(self._token)
            self._token = None

    async def __aenter__(self) -> ContextValues:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)


prysm_context = _PrysmContext()


def resolve_snapshot(snapshot: tuple[ContextValues, ContextValues]) -> ContextValues:
    """Merge a snapshot taken by :meth:`_PrysmContext.snapshot` into the values in force."""
    default, scoped = snapshot
    return default.merged_with(scoped)
