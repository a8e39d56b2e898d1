"""``monitor()``: a new client of the same type whose every call is observed."""

from __future__ import annotations

import copy
import dataclasses
import math
import sys
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from prysmai.config import (
    USAGE_LIMITS_STORE_ENV,
    MonitorOptions,
    limits_store_from_env,
    max_content_chars_from_env,
    resolve_destination,
    usage_limits_from_env,
)
from prysmai.cost import PriceBook, default_price_book
from prysmai.errors import ConfigurationError
from prysmai.recorder import ClientInfo, Recorder
from prysmai.telemetry import get_pipeline
from prysmai.transport import async_transport_class, is_monitoring_transport, sync_transport_class

if TYPE_CHECKING:
    from prysmai.limits import CounterStore, UsageLimit
    from prysmai.managed_security import CollectorSecurity
    from prysmai.security.config import SecurityConfig

ClientT = TypeVar("ClientT")

# Marks an HTTP client that prysmai built, with the recorder it reports to.
_MARKER = "_prysm_recorder"


def monitor(
    client: ClientT,
    prysm_key: str | None = None,
    base_url: str | None = None,
    timeout: float = 120.0,
    *,
    security: SecurityConfig | Mapping[str, Any] | bool | str | CollectorSecurity | None = None,
    pricing: PriceBook | Mapping[str, Mapping[str, float]] | str | None = None,
    capture_content: bool | None = None,
    max_content_chars: int | None = None,
    tracer_provider: Any = None,
    meter_provider: Any = None,
    provider_name: str | None = None,
    attributes: Mapping[str, Any] | None = None,
    limits: Iterable[UsageLimit | Mapping[str, Any]] | None = None,
    limits_store: str | CounterStore | None = None,
) -> ClientT:
    """Return a new client of the same type whose every model call is scanned and recorded.

    The original client is left untouched. Monitoring a monitored client replaces its settings
    instead of recording twice.

    Args:
        client: an ``openai.OpenAI``, ``openai.AsyncOpenAI``, ``anthropic.Anthropic`` or
            ``anthropic.AsyncAnthropic`` client (or one built on them, such as Azure's).
        prysm_key: key for the Prysm collector (``PRYSM_API_KEY`` if unset).
        base_url: address of the Prysm collector (``PRYSM_BASE_URL`` if unset).
        timeout: seconds one export to the collector may take.
        security: scanning and redaction settings (a ``SecurityConfig`` or a mapping of the
            product's settings, camelCase or snake_case); ``False`` turns scanning off;
            ``"collector"`` (or a ``prysmai.CollectorSecurity``) uses the settings managed on
            the Prysm collector, fetched with ``prysm_key`` and kept up to date in the
            background (see :mod:`prysmai.managed_security`). Unset: ``PRYSM_SECURITY``
            (``collector`` or ``local``), else ``PRYSM_SECURITY_CONFIG``'s file, else the
            defaults.
        pricing: a ``PriceBook``, user prices per model (USD per 1M tokens) or a JSON file.
        capture_content: record prompts and completions; by default on for the local store
            and the Prysm collector, off for other OTLP backends, and
            ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` decides when set.
        max_content_chars: cap on captured text per attribute (``PRYSM_MAX_CONTENT_CHARS``).
        tracer_provider: send spans to this OpenTelemetry provider instead of prysmai's own.
        meter_provider: record metrics with this provider instead of prysmai's own.
        provider_name: override the ``gen_ai.provider.name`` worked out from the client.
        attributes: extra attributes added to every span of this client.
        limits: usage limits (``UsageLimit`` or mappings of its fields, camelCase or
            snake_case); a call over one is answered with the SDK's ``RateLimitError``
            and not sent. ``PRYSM_USAGE_LIMITS`` (JSON) if unset; ``[]`` for none.
        limits_store: where the limits' counters live: ``"memory"`` (this client only, the
            default), ``"sqlite:///PATH"`` (shared by every process using the file), a
            ``redis://`` or ``postgresql://`` URL (shared by processes on several machines) or
            a store from :mod:`prysmai.limits` (share one between clients).
            ``PRYSM_USAGE_LIMITS_STORE`` if unset.

    Returns:
        A client of the same type as ``client``.

    Raises:
        ConfigurationError: an argument or environment setting cannot be used.
        TypeError: ``client`` is not a supported SDK client.
    """
    http_client = getattr(client, "_client", None)
    if http_client is None or not hasattr(client, "with_options"):
        msg = (
            f"monitor() expects an OpenAI or Anthropic SDK client, got {type(client).__name__}; "
            "create one with openai.OpenAI() or anthropic.Anthropic() and pass it in"
        )
        raise TypeError(msg)
    options = _options(
        prysm_key,
        base_url,
        timeout,
        security,
        pricing,
        capture_content,
        max_content_chars,
        tracer_provider,
        meter_provider,
        provider_name,
        attributes,
    )
    options = _with_limits(options, limits, limits_store)
    recorder = make_recorder(options, client)
    monitored_http = wrap_http_client(http_client, recorder)
    monitored: ClientT = client.with_options(http_client=monitored_http)
    return monitored


def _options(
    prysm_key: str | None,
    base_url: str | None,
    timeout: float,
    security: Any,
    pricing: Any,
    capture_content: bool | None,
    max_content_chars: int | None,
    tracer_provider: Any,
    meter_provider: Any,
    provider_name: str | None,
    attributes: Mapping[str, Any] | None,
) -> MonitorOptions:
    key, url = resolve_destination(prysm_key, base_url)
    from prysmai.managed_security import collector_security_from, local_settings

    collector_security = collector_security_from(security)
    if collector_security is not None:
        if key is None or url is None:
            msg = (
                'security="collector" fetches the settings from the Prysm collector with its '
                "key: pass prysm_key=... (and base_url=...) or set PRYSM_API_KEY "
                "(and PRYSM_BASE_URL)"
            )
            raise ConfigurationError(msg)
        security = local_settings(collector_security)
    is_number = isinstance(timeout, int | float) and not isinstance(timeout, bool)
    if not is_number or not math.isfinite(timeout) or timeout <= 0:
        msg = f"timeout must be a positive number of seconds, got {timeout!r}"
        raise ConfigurationError(msg)
    if max_content_chars is None:
        max_content_chars = max_content_chars_from_env()
    elif (
        not isinstance(max_content_chars, int)
        or isinstance(max_content_chars, bool)
        or max_content_chars < 0
    ):
        msg = f"max_content_chars must be an integer >= 0, got {max_content_chars!r}"
        raise ConfigurationError(msg)
    if provider_name is not None and (not isinstance(provider_name, str) or not provider_name):
        msg = f"provider_name must be a non-empty string, got {provider_name!r}"
        raise ConfigurationError(msg)
    if capture_content is not None and not isinstance(capture_content, bool):
        msg = f"capture_content must be True, False or None, got {capture_content!r}"
        raise ConfigurationError(msg)
    return MonitorOptions(
        prysm_key=key,
        base_url=url,
        timeout_s=float(timeout),
        capture_content=capture_content,
        max_content_chars=max_content_chars,
        security=_security_config(security),
        collector_security=collector_security,
        price_book=_price_book(pricing),
        tracer_provider=tracer_provider,
        meter_provider=meter_provider,
        provider_name=provider_name,
        extra_attributes=dict(attributes or {}),
    )


def _with_limits(options: MonitorOptions, limits: Any, limits_store: Any) -> MonitorOptions:
    """Add the resolved usage limits and their counter store to ``options``."""
    from prysmai.limits.spec import limits_from

    resolved = usage_limits_from_env() if limits is None else limits_from(limits)
    if not resolved:
        return options
    store = open_limits_store(limits_store)
    return dataclasses.replace(options, limits=resolved, limits_store=store)


def open_limits_store(limits_store: str | CounterStore | None) -> CounterStore:
    """Return the counter store ``limits_store`` names, else ``PRYSM_USAGE_LIMITS_STORE``'s."""
    from prysmai.limits.stores import open_store

    if limits_store is not None:
        return open_store(limits_store)
    try:
        return open_store(limits_store_from_env())
    except ConfigurationError as exc:
        raise ConfigurationError(f"{USAGE_LIMITS_STORE_ENV}: {exc}") from None


def _security_config(security: Any) -> Any:
    if security is None or security is False:
        return security
    from prysmai.security.config import SecurityConfig

    if isinstance(security, SecurityConfig):
        return security
    if isinstance(security, Mapping):
        return SecurityConfig.from_mapping(security)
    msg = f"security must be a SecurityConfig or a mapping of settings, got {type(security)!r}"
    raise ConfigurationError(msg)


def _price_book(pricing: Any) -> PriceBook | None:
    if pricing is None or isinstance(pricing, PriceBook):
        return pricing
    return PriceBook(pricing)


def make_recorder(options: MonitorOptions, client: Any) -> Recorder:
    """Build the recorder for one monitored client."""
    pipeline = get_pipeline(
        prysm_key=options.prysm_key,
        base_url=options.base_url,
        timeout_s=options.timeout_s,
        tracer_provider=options.tracer_provider,
        meter_provider=options.meter_provider,
    )
    # Imported here so that importing prysmai does not load the scanners' pattern tables.
    from prysmai.guard import make_guard

    guard = make_guard(options.security)
    managed = None
    if options.collector_security is not None and options.prysm_key and options.base_url:
        from prysmai.managed_security import start_managed_security

        # Waits for the collector's first answer, briefly: the first call already applies it.
        managed = start_managed_security(
            options.base_url, options.prysm_key, options.collector_security, guard
        )
    limits = None
    if options.limits and options.limits_store is not None:
        from prysmai.limits.enforcer import LimitEnforcer

        limits = LimitEnforcer(options.limits, options.limits_store)
    return Recorder(
        options,
        client_info(client, options.provider_name),
        pipeline,
        options.price_book or default_price_book(),
        guard=guard,
        limits=limits,
        managed_security=managed,
    )


def client_info(client: Any, provider_override: str | None = None) -> ClientInfo:
    """Work out provider name and server address from an SDK client."""
    base = getattr(client, "base_url", None)
    host = getattr(base, "host", None) or None
    port = getattr(base, "port", None) or None
    module = type(client).__module__.split(".")[0]
    provider = provider_override or _provider_name(module, type(client).__name__, host, port)
    return ClientInfo(
        provider=provider, server_address=host, server_port=port, wire_format=_sdk_api(client)
    )


def _sdk_api(client: Any) -> str | None:
    """The API an SDK client speaks, from the package its class (or a base class) comes from.

    An OpenAI client speaks the OpenAI API whatever host it is pointed at (Anthropic's OpenAI
    compatible endpoint included), so the package decides, not the provider name.
    """
    for cls in type(client).__mro__:
        package = cls.__module__.split(".")[0]
        if package in ("openai", "anthropic"):
            return package
    return None


def _provider_name(module: str, class_name: str, host: str | None, port: int | None) -> str:
    host = host or ""
    if module == "anthropic":
        if "Bedrock" in class_name:
            return "aws.bedrock"
        if "Vertex" in class_name:
            return "gcp.vertex_ai"
        return "anthropic"
    if "Azure" in class_name or host.endswith((".openai.azure.com", ".azure.com")):
        return "azure.ai.openai"
    if host.endswith("generativelanguage.googleapis.com"):
        return "gcp.gemini"
    if host.endswith("api.anthropic.com"):
        return "anthropic"
    if port == 11434:
        return "ollama"
    return "openai"


def http_module_of(http_client: Any) -> ModuleType:
    """Return the HTTP library (``httpx2`` or ``httpx``) an SDK's HTTP client comes from."""
    for name in ("httpx2", "httpx"):
        module = sys.modules.get(name)
        if module is not None and isinstance(http_client, module.Client | module.AsyncClient):
            return module
    msg = f"unsupported HTTP client {type(http_client)!r}: expected httpx or httpx2"
    raise TypeError(msg)


def wrap_http_client(http_client: Any, recorder: Recorder) -> Any:
    """Return a shallow copy of ``http_client`` whose transports report to ``recorder``.

    The copy shares the original's connection pools and settings; the original keeps working
    unobserved. Transports that are already prysmai's are unwrapped first, so a call is never
    recorded twice.
    """

    def monitoring(module: ModuleType, is_async: bool) -> Callable[[Any], Any]:
        wrapper_class = async_transport_class(module) if is_async else sync_transport_class(module)
        return lambda transport: wrapper_class(_unwrap(transport), recorder)

    clone = clone_http_client(http_client, monitoring)
    setattr(clone, _MARKER, recorder)
    return clone


def clone_http_client(
    http_client: Any, wrapping: Callable[[ModuleType, bool], Callable[[Any], Any]]
) -> Any:
    """Return a shallow copy of an SDK's HTTP client with each of its transports wrapped.

    ``wrapping(http_module, is_async)`` gives the function that wraps one transport; it is
    applied to the client's transport and to those of its proxy mounts. The copy shares the
    original's settings and connection pools.
    """
    module = http_module_of(http_client)
    is_async = isinstance(http_client, module.AsyncClient)
    wrap = wrapping(module, is_async)
    client_class = type(http_client)
    if client_class.__name__ in ("SyncHttpxClientWrapper", "AsyncHttpxClientWrapper"):
        # The SDK's wrapper closes its pool when collected; the copy must not close a shared pool.
        client_class = module.AsyncClient if is_async else module.Client
    clone: Any = object.__new__(client_class)
    clone.__dict__.update(copy.copy(http_client.__dict__))
    clone._transport = wrap(http_client._transport)
    clone._mounts = {
        pattern: None if transport is None else wrap(transport)
        for pattern, transport in http_client._mounts.items()
    }
    # Keep the original alive: the SDK's wrapper closes the shared pool when it is collected.
    clone._prysm_origin = getattr(http_client, "_prysm_origin", http_client)
    return clone


def _unwrap(transport: Any) -> Any:
    while is_monitoring_transport(transport):
        transport = transport.inner
    return transport


def recorder_of(client: Any) -> Recorder | None:
    """Return the recorder a monitored SDK client reports to (``None`` if not monitored)."""
    recorder: Recorder | None = getattr(getattr(client, "_client", None), _MARKER, None)
    return recorder


def is_monitored(client: Any) -> bool:
    """Return whether ``client`` (an SDK client) records its calls through prysmai."""
    return hasattr(getattr(client, "_client", None), _MARKER)
