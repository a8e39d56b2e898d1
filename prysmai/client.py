"""``PrysmClient``: monitored OpenAI-format clients for a configured provider."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from prysmai.config import usage_limits_from_env
from prysmai.errors import ConfigurationError
from prysmai.monitor import monitor, open_limits_store

if TYPE_CHECKING:
    # Aliased: the methods below are named ``openai``, which would shadow the module.
    import openai as openai_sdk


@dataclass(frozen=True, slots=True)
class ProviderPreset:
    """How to reach one provider through the OpenAI wire format."""

    name: str
    base_url: str | None
    key_env: tuple[str, ...]
    url_env: tuple[str, ...]
    default_key: str | None
    provider_name: str
    translate_to: str | None = None
    """Wire format the OpenAI-format calls are translated into (``None``: sent as they are)."""


# Every preset is used through the OpenAI SDK: most providers serve an OpenAI-compatible
# endpoint; "anthropic" translates each call into Anthropic's native Messages API instead.
PROVIDERS: Final = {
    "openai": ProviderPreset(
        "openai", None, ("OPENAI_API_KEY",), ("OPENAI_BASE_URL",), None, "openai"
    ),
    "anthropic": ProviderPreset(
        "anthropic",
        # Anthropic's API root, as for the anthropic SDK: calls go to {base}/v1/messages.
        "https://api.anthropic.com",
        ("ANTHROPIC_API_KEY",),
        ("ANTHROPIC_BASE_URL",),
        None,
        "anthropic",
        translate_to="anthropic",
    ),
    "anthropic-openai": ProviderPreset(
        "anthropic-openai",
        "https://api.anthropic.com/v1/",
        ("ANTHROPIC_API_KEY",),
        ("ANTHROPIC_OPENAI_BASE_URL",),
        None,
        "anthropic",
    ),
    "gemini": ProviderPreset(
        "gemini",
        "https://generativelanguage.googleapis.com/v1beta/openai/",
        ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        ("GEMINI_BASE_URL",),
        None,
        "gcp.gemini",
    ),
    "vllm": ProviderPreset(
        "vllm", "http://127.0.0.1:8000/v1", ("VLLM_API_KEY",), ("VLLM_BASE_URL",), "EMPTY", "vllm"
    ),
    "ollama": ProviderPreset(
        "ollama",
        "http://127.0.0.1:11434/v1",
        ("OLLAMA_API_KEY",),
        ("OLLAMA_BASE_URL",),
        "ollama",
        "ollama",
    ),
}


class PrysmClient:
    """Builds monitored OpenAI-format clients for one provider.

    ``PrysmClient(provider="ollama").openai()`` returns an ``openai.OpenAI`` pointed at a local
    Ollama server, monitored. The provider may also be any OpenAI-compatible URL. With
    ``provider="anthropic"`` the client's chat completions are translated to Anthropic's native
    Messages API and the answers back to OpenAI's format, streams included.

    Args:
        prysm_key: key for the Prysm collector (``PRYSM_API_KEY`` if unset).
        base_url: address of the Prysm collector (``PRYSM_BASE_URL`` if unset).
        timeout: request timeout of the built clients, and export timeout, in seconds.
        provider: ``openai`` (default), ``anthropic`` (translated to the Messages API),
            ``anthropic-openai`` (Anthropic's OpenAI-compatible endpoint), ``gemini``,
            ``vllm``, ``ollama`` or an ``http(s)://`` URL of an OpenAI-compatible server.
        api_key: the provider's key; by default read from its usual environment variable.
        provider_base_url: override the provider's address (for ``anthropic``, the API root
            that ``/v1/messages`` is appended to, as ``ANTHROPIC_BASE_URL``).
        **monitor_settings: passed to :func:`prysmai.monitor` (security, pricing, limits,
            ...). The clients built by one ``PrysmClient`` share their usage-limit counters.
    """

    def __init__(
        self,
        prysm_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 120.0,
        *,
        provider: str | None = None,
        api_key: str | None = None,
        provider_base_url: str | None = None,
        **monitor_settings: Any,
    ) -> None:
        self.prysm_key = prysm_key
        self.base_url = base_url
        self.timeout = timeout
        self._preset, url = _resolve_provider(provider or "openai")
        self.provider_base_url = provider_base_url or _first_env(self._preset.url_env) or url
        self.api_key = api_key or _first_env(self._preset.key_env) or self._preset.default_key
        self._settings = monitor_settings
        self._settings.setdefault("provider_name", self._preset.provider_name)
        limits = self._settings.get("limits")
        if self._settings.get("limits_store") is None and (
            limits or (limits is None and usage_limits_from_env())
        ):
            # One store for every client built here: .openai() and .async_openai() share a budget.
            self._settings["limits_store"] = open_limits_store(None)

    def _client_kwargs(self) -> dict[str, Any]:
        if self.api_key is None:
            names = " or ".join(self._preset.key_env)
            msg = f"no API key for provider {self._preset.name!r}: pass api_key=... or set {names}"
            raise ConfigurationError(msg)
        kwargs: dict[str, Any] = {"api_key": self.api_key, "timeout": self.timeout}
        if self.provider_base_url:
            kwargs["base_url"] = self.provider_base_url
        return kwargs

    def openai(self, **client_kwargs: Any) -> openai_sdk.OpenAI:
        """Return a monitored ``openai.OpenAI`` client for the provider."""
        import openai as openai_module

        client = openai_module.OpenAI(**{**self._client_kwargs(), **client_kwargs})
        if self._preset.translate_to == "anthropic":
            client = client.with_options(http_client=_anthropic_http_client(client._client))
        return monitor(client, self.prysm_key, self.base_url, self.timeout, **self._settings)

    def async_openai(self, **client_kwargs: Any) -> openai_sdk.AsyncOpenAI:
        """Return a monitored ``openai.AsyncOpenAI`` client for the provider."""
        import openai as openai_module

        client = openai_module.AsyncOpenAI(**{**self._client_kwargs(), **client_kwargs})
        if self._preset.translate_to == "anthropic":
            client = client.with_options(http_client=_anthropic_http_client(client._client))
        return monitor(client, self.prysm_key, self.base_url, self.timeout, **self._settings)


def _anthropic_http_client(http_client: Any) -> Any:
    """The SDK's HTTP client with the translation to Anthropic below where monitor() wraps."""
    from prysmai.providers.anthropic_translation import translating_http_client

    return translating_http_client(http_client)


def _resolve_provider(provider: str) -> tuple[ProviderPreset, str | None]:
    if provider.startswith(("http://", "https://")):
        preset = ProviderPreset(
            "openai-compatible", provider, ("OPENAI_API_KEY",), (), "EMPTY", "openai"
        )
        return preset, provider
    known = PROVIDERS.get(provider.lower())
    if known is None:
        choices = ", ".join(sorted(PROVIDERS))
        msg = f"unknown provider {provider!r}: use one of {choices}, or an http(s):// URL"
        raise ConfigurationError(msg)
    return known, known.base_url


def _first_env(names: tuple[str, ...]) -> str | None:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None
