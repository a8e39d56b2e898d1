"""``instrument()``: monitor every OpenAI and Anthropic client created from now on."""

from __future__ import annotations

import importlib
import threading
from typing import Any

import wrapt

from prysmai.faults import report_fault
from prysmai.monitor import (
    _options,
    _with_limits,
    is_monitored,
    make_recorder,
    wrap_http_client,
)

_CLIENT_CLASSES = (
    ("openai", "OpenAI"),
    ("openai", "AsyncOpenAI"),
    ("openai", "AzureOpenAI"),
    ("openai", "AsyncAzureOpenAI"),
    ("anthropic", "Anthropic"),
    ("anthropic", "AsyncAnthropic"),
)

_lock = threading.Lock()
_patched: list[tuple[type[Any], Any]] = []


def instrument(
    prysm_key: str | None = None,
    base_url: str | None = None,
    timeout: float = 120.0,
    **settings: Any,
) -> None:
    """Monitor every OpenAI and Anthropic client constructed after this call.

    Takes the same arguments as :func:`prysmai.monitor`. Clients created earlier are not
    changed; wrap those with ``monitor()``. Calling it again replaces the settings. Usage
    limits (``limits=`` or ``PRYSM_USAGE_LIMITS``) are one budget for all those clients.
    """
    options = _options(
        prysm_key,
        base_url,
        timeout,
        settings.pop("security", None),
        settings.pop("pricing", None),
        settings.pop("capture_content", None),
        settings.pop("max_content_chars", None),
        settings.pop("tracer_provider", None),
        settings.pop("meter_provider", None),
        settings.pop("provider_name", None),
        settings.pop("attributes", None),
    )
    # One counter store for every client made from now on: they share one budget.
    options = _with_limits(
        options, settings.pop("limits", None), settings.pop("limits_store", None)
    )
    if settings:
        msg = f"instrument() got unexpected arguments: {', '.join(sorted(settings))}"
        raise TypeError(msg)

    def after_init(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> None:
        wrapped(*args, **kwargs)
        if is_monitored(instance):
            return
        try:
            instance._client = wrap_http_client(instance._client, make_recorder(options, instance))
        except Exception:
            report_fault("instrumenting a new client")

    with _lock:
        uninstrument()
        for module_name, class_name in _CLIENT_CLASSES:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            cls = getattr(module, class_name, None)
            if cls is None or "__init__" not in vars(cls):
                continue
            original = vars(cls)["__init__"]
            cls.__init__ = wrapt.FunctionWrapper(original, after_init)
            _patched.append((cls, original))


def uninstrument() -> None:
    """Undo :func:`instrument`: clients created afterwards are no longer monitored."""
    while _patched:
        cls, original = _patched.pop()
        cls.__init__ = original
