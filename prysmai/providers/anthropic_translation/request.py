"""An OpenAI chat-completions request body -> an Anthropic Messages request body.

Every field of the request is either mapped, accepted because its value changes nothing
(``n: 1``, ``logprobs: false``, ...), or refused with :class:`TranslationError`: nothing the
caller asked for is dropped without a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from prysmai.providers.anthropic_translation.errors import DEFAULT_MAX_TOKENS, TranslationError
from prysmai.providers.anthropic_translation.messages import convert_messages

# Fields whose listed values ask for nothing beyond Anthropic's default behaviour.
_NEUTRAL_VALUES: Final[dict[str, tuple[Any, ...]]] = {
    "n": (1,),
    "logprobs": (False,),
    "presence_penalty": (0,),
    "frequency_penalty": (0,),
    "logit_bias": ({},),
    "store": (False,),
    "modalities": (["text"],),
    "response_format": ({"type": "text"},),
}

# Why a field cannot be expressed, for the error message.
_UNSUPPORTED: Final[dict[str, str]] = {
    "n": "Anthropic returns one answer per request; send n separate requests",
    "logprobs": "Anthropic does not return log probabilities",
    "top_logprobs": "Anthropic does not return log probabilities",
    "presence_penalty": "Anthropic has no presence penalty",
    "frequency_penalty": "Anthropic has no frequency penalty",
    "logit_bias": "Anthropic has no logit bias",
    "seed": "Anthropic has no sampling seed",
    "store": "Anthropic does not store chat completions",
    "metadata": "Anthropic's metadata only holds a user id (use 'user')",
    "modalities": "Anthropic answers in text only",
    "audio": "Anthropic has no audio output",
    "response_format": "JSON modes and json_schema have no equivalent in the Messages API "
    "request this translation builds; describe the format in the prompt or use a tool",
    "prediction": "Anthropic has no predicted outputs",
    "service_tier": "Anthropic's service tiers differ from OpenAI's",
    "reasoning_effort": "extended thinking is not translated",
    "verbosity": "Anthropic has no verbosity setting",
    "web_search_options": "Anthropic's web search is a server tool, not translated",
    "prompt_cache_key": "Anthropic caches by cache_control blocks, not by key",
    "functions": "legacy functions are not translated; use 'tools'",
    "function_call": "legacy function_call is not translated; use 'tool_choice'",
}

_MAPPED: Final = frozenset(
    {
        "model",
        "messages",
        "max_tokens",
        "max_completion_tokens",
        "temperature",
        "top_p",
        "stop",
        "stream",
        "stream_options",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "user",
        "safety_identifier",
    }
)


@dataclass(frozen=True, slots=True)
class TranslatedRequest:
    """The Anthropic body and what the answer's translation needs to know of the request."""

    body: dict[str, Any]
    is_stream: bool
    include_usage: bool
    """``stream_options.include_usage``: end the translated stream with a usage chunk."""


def to_messages_request(request: Any) -> TranslatedRequest:
    """Translate a chat-completions request body (parsed JSON) for ``POST /v1/messages``.

    Args:
        request: The parsed body the OpenAI SDK sent.

    Returns:
        The Anthropic request body and the stream settings.

    Raises:
        TranslationError: The request asks for something Anthropic cannot do.
    """
    if not isinstance(request, dict):
        raise TranslationError("the request body must be a JSON object")
    _refuse_unsupported(request)
    system, messages = convert_messages(request.get("messages"))
    body: dict[str, Any] = {"model": request.get("model"), "max_tokens": _max_tokens(request)}
    if system is not None:
        body["system"] = system
    body["messages"] = messages
    for name in ("temperature", "top_p"):
        if request.get(name) is not None:
            body[name] = request[name]
    stop = _stop_sequences(request.get("stop"))
    if stop:
        body["stop_sequences"] = stop
    is_stream = request.get("stream") is True
    if is_stream:
        body["stream"] = True
    tools = _tools(request.get("tools"))
    if tools:
        body["tools"] = tools
    choice = _tool_choice(request.get("tool_choice"), request.get("parallel_tool_calls"), tools)
    if choice is not None:
        body["tool_choice"] = choice
    user_id = _user_id(request)
    if user_id is not None:
        body["metadata"] = {"user_id": user_id}
    return TranslatedRequest(body, is_stream, _include_usage(request.get("stream_options")))


def _refuse_unsupported(request: dict[str, Any]) -> None:
    for name, value in request.items():
        if value is None or name in _MAPPED or value in _NEUTRAL_VALUES.get(name, ()):
            continue
        reason = _UNSUPPORTED.get(name)
        if reason is None:
            message = f"'{name}' is not a chat-completions parameter that can be sent to Anthropic"
        else:
            message = f"'{name}' cannot be sent to Anthropic: {reason}"
        raise TranslationError(message, param=name)


def _max_tokens(request: dict[str, Any]) -> int:
    for name in ("max_completion_tokens", "max_tokens"):
        value = request.get(name)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise TranslationError(f"'{name}' must be a positive integer", param=name)
        return value
    return DEFAULT_MAX_TOKENS


def _stop_sequences(stop: Any) -> list[str]:
    if stop is None:
        return []
    if isinstance(stop, str):
        return [stop]
    if isinstance(stop, list) and all(isinstance(s, str) for s in stop):
        return list(stop)
    raise TranslationError("'stop' must be a string or a list of strings", param="stop")


def _include_usage(options: Any) -> bool:
    if options is None:
        return False
    if not isinstance(options, dict):
        raise TranslationError("'stream_options' must be an object", param="stream_options")
    # include_obfuscation pads OpenAI's own chunks; there is nothing to pad or leave unpadded.
    unknown = set(options) - {"include_usage", "include_obfuscation"}
    if unknown:
        raise TranslationError(
            f"stream_options {sorted(unknown)} cannot be sent to Anthropic", param="stream_options"
        )
    return options.get("include_usage") is True


def _tools(tools: Any) -> list[dict[str, Any]]:
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise TranslationError("'tools' must be a list", param="tools")
    return [_tool(tool, f"tools[{index}]") for index, tool in enumerate(tools)]


def _tool(tool: Any, where: str) -> dict[str, Any]:
    function = tool.get("function") if isinstance(tool, dict) else None
    if not isinstance(function, dict) or tool.get("type") != "function":
        raise TranslationError(
            f"{where}: only function tools can be sent to Anthropic", param=where
        )
    unknown = set(function) - {"name", "description", "parameters", "strict"}
    if unknown:
        raise TranslationError(
            f"{where}.function: unsupported field(s) {sorted(unknown)}", param=where
        )
    if function.get("strict") is True:
        raise TranslationError(
            f"{where}.function.strict: strict schema adherence is not translated", param=where
        )
    converted: dict[str, Any] = {"name": function.get("name")}
    if function.get("description") is not None:
        converted["description"] = function["description"]
    # Anthropic requires an input schema; OpenAI lets a function without parameters omit it.
    converted["input_schema"] = function.get("parameters") or {"type": "object", "properties": {}}
    return converted


def _tool_choice(choice: Any, parallel: Any, tools: list[dict[str, Any]]) -> dict[str, Any] | None:
    if parallel is not None and not isinstance(parallel, bool):
        raise TranslationError(
            "'parallel_tool_calls' must be a boolean", param="parallel_tool_calls"
        )
    if choice is None and (parallel is not False or not tools):
        return None
    if choice is None or choice == "auto":
        converted: dict[str, Any] = {"type": "auto"}
    elif choice == "required":
        converted = {"type": "any"}
    elif choice == "none":
        # "none" takes no parallel setting: no tool is called at all.
        return {"type": "none"}
    elif (
        isinstance(choice, dict)
        and choice.get("type") == "function"
        and isinstance(choice.get("function"), dict)
        and isinstance(choice["function"].get("name"), str)
    ):
        converted = {"type": "tool", "name": choice["function"]["name"]}
    else:
        raise TranslationError(
            "'tool_choice' must be 'auto', 'required', 'none' or a named function to be sent "
            "to Anthropic",
            param="tool_choice",
        )
    if parallel is False:
        converted["disable_parallel_tool_use"] = True
    return converted


def _user_id(request: dict[str, Any]) -> str | None:
    user, safety = request.get("user"), request.get("safety_identifier")
    if user is not None and safety is not None and user != safety:
        raise TranslationError(
            "'user' and 'safety_identifier' differ; Anthropic has a single metadata.user_id",
            param="safety_identifier",
        )
    value = user if user is not None else safety
    if value is not None and not isinstance(value, str):
        raise TranslationError("'user' must be a string", param="user")
    return value
