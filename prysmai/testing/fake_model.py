"""A deterministic stand-in for a language model, behind the loopback fake servers.

A request of any API is parsed into a `Prompt` (one parser per API), and `generate` turns it
into a `Generation`: the answer text or tool calls, finish reasons and token usage. The
builders in `prysmai.testing.openai_bodies` render a `Generation` as each API's body.

The answer is derived from the prompt: "Say X" answers "X.", a greeting is greeted back,
anything else gets a helpful sentence that names the prompt's main keyword. When tools are
offered and the prompt names one, or asks about weather or time, the model calls the tool.

Limitations:
    Token counts are estimates (about 1.3 tokens per word plus a small per-message overhead),
    not a real tokenizer's counts.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import struct
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

JsonObject = dict[str, Any]
ToolMode = Literal["auto", "none", "required"]

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_DELTA = re.compile(r"\s*[\w']+|\s*[^\w\s]|\s+$")
_SAY = re.compile(r"^\s*(?:please\s+)?say\s+(.+?)\s*$", re.IGNORECASE | re.DOTALL)
_GREETING = re.compile(r"^\s*(?:hi|hello|hey|good (?:morning|afternoon|evening))\b[\s!.,]*$", re.I)
_PLACE = re.compile(
    r"\b(?:in|at|for|near)\s+([A-Z][^?.!;]*?)"
    r"(?=\s+(?:today|tomorrow|tonight|now|right now)\b|[?.!;]|$)"
)
_REASONING_MODEL = re.compile(r"^(?:o\d|gpt-5)")
_STOPWORDS = frozenset(
    "about above after again also because before being between could does doing during every "
    "from have having here into just more most other over please same should some such than "
    "that their them then there these they this those through under until very what when "
    "where which while with would your tell explain give show write".split()
)
_TEMPLATES = (
    "Here is a quick overview of {topic}: start with the fundamentals, check the details that "
    "matter most for your case, and refine from there.",
    "Good question about {topic}. In short, it depends on your goals, but a practical first "
    "step is to write down what success looks like and work backwards.",
    "When it comes to {topic}, the key is to keep things simple: change one thing at a time, "
    "measure the effect, and keep what works.",
)
# Real responses split tool-call arguments into fragments of a few characters.
_ARGUMENT_FRAGMENT_CHARS = 6
# Small alternatives offered as `top_logprobs` next to the chosen token.
_ALTERNATIVE_TOKENS = (" the", " a", " and", " to", " of", " it", " is", " in", " that", " for")


@dataclass(frozen=True)
class ToolSpec:
    """A function the caller offered to the model."""

    name: str
    schema: Mapping[str, Any]


@dataclass(frozen=True)
class Prompt:
    """What a request asks for, independent of the API it came through."""

    text: str
    """Every piece of input text, joined; used for token counts."""
    message_count: int
    last_user: str
    """The latest user text: what the answer and any tool call are derived from."""
    tool_result: str | None = None
    """The content of a trailing tool result, when this turn answers one."""
    tools: tuple[ToolSpec, ...] = ()
    tool_mode: ToolMode = "auto"
    forced_tool: str | None = None
    allow_parallel_tools: bool = True
    max_tokens: int | None = None
    stops: tuple[str, ...] = ()
    n: int = 1
    json_schema: Mapping[str, Any] | None = None
    """`{}` for a plain JSON object, a JSON schema for structured output, None for text."""
    top_logprobs: int | None = None
    """None when no logprobs were asked for, else how many alternatives per token."""
    image_count: int = 0


@dataclass(frozen=True)
class ToolCall:
    """A function call the fake model decided to make."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class Choice:
    """One alternative answer: text or tool calls."""

    index: int
    text: str | None
    tool_calls: tuple[ToolCall, ...]
    finish_reason: Literal["stop", "length", "tool_calls"]
    output_tokens: int


@dataclass(frozen=True)
class Usage:
    """Token counts of one call; `output_tokens` includes `reasoning_tokens`."""

    input_tokens: int
    output_tokens: int
    cached_tokens: int = 0
    reasoning_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens."""
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class Generation:
    """The fake model's answer to a `Prompt`, ready to be rendered for any API."""

    seed: str
    model: str
    created: int
    choices: tuple[Choice, ...]
    usage: Usage
    top_logprobs: int | None = None


class PromptCache:
    """Remembers prompts so that a repeated long prompt reports cached tokens, as OpenAI does.

    OpenAI caches prompts of at least 1024 tokens, in steps of 128 tokens.
    """

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def cached_tokens(self, prompt_text: str, input_tokens: int) -> int:
        """Return the cached part of `input_tokens` and remember the prompt."""
        key = hashlib.sha256(prompt_text.encode()).hexdigest()
        with self._lock:
            is_repeat = key in self._seen
            self._seen.add(key)
        if not is_repeat or input_tokens < 1024:
            return 0
        return input_tokens // 128 * 128


def stable_hash(text: str) -> int:
    """Return a hash of `text` that is the same in every process (unlike `hash`)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def make_id(prefix: str, seed: str, length: int = 29) -> str:
    """Return `prefix` plus `length` base-62 characters derived from `seed`."""
    number = int.from_bytes(hashlib.sha512(seed.encode()).digest(), "big")
    chars = []
    for _ in range(length):
        number, rest = divmod(number, 62)
        chars.append(_ALPHABET[rest])
    return prefix + "".join(chars)


def make_hex_id(prefix: str, seed: str, length: int = 50) -> str:
    """Return `prefix` plus `length` hex digits derived from `seed` (Responses API ids)."""
    return prefix + hashlib.sha512(seed.encode()).hexdigest()[:length]


def count_tokens(text: str) -> int:
    """Estimate the tokens of `text`: about 1.3 per whitespace-separated word."""
    return (len(text.split()) * 13 + 9) // 10


def split_deltas(text: str) -> list[str]:
    """Split `text` into word-ish stream deltas whose concatenation is `text`."""
    pieces = _DELTA.findall(text)
    joined = "".join(pieces)
    if joined != text:  # pragma: no cover - the pattern covers every character; kept as a guard
        return [text]
    return pieces


def split_fragments(text: str, size: int = _ARGUMENT_FRAGMENT_CHARS) -> list[str]:
    """Split `text` into fragments of `size` characters (at least one, even when empty)."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def content_text(content: object) -> tuple[str, int]:
    """Return the text of a message content (string or parts) and its number of images."""
    if isinstance(content, str):
        return content, 0
    if not isinstance(content, list):
        return "", 0
    texts: list[str] = []
    images = 0
    for part in content:
        if not isinstance(part, Mapping):
            continue
        if isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif part.get("type") in ("image_url", "input_image", "image"):
            images += 1
    return "\n".join(texts), images


def tool_specs(tools: object) -> tuple[ToolSpec, ...]:
    """Normalise the tools of a chat, Responses or Anthropic request."""
    if not isinstance(tools, list):
        return ()
    specs: list[ToolSpec] = []
    for tool in tools:
        if not isinstance(tool, Mapping):
            continue
        # Chat nests the function; Responses and Anthropic put name and schema at the top.
        nested = tool.get("function")
        function: Mapping[str, Any] = nested if isinstance(nested, Mapping) else tool
        name = function.get("name")
        schema = function.get("parameters") or function.get("input_schema") or {}
        if isinstance(name, str):
            specs.append(ToolSpec(name, schema if isinstance(schema, Mapping) else {}))
    return tuple(specs)


def input_tokens_of(prompt: Prompt) -> int:
    """Estimate the input tokens of `prompt`, including per-message and image overhead."""
    overhead = 3 * prompt.message_count + 3 if prompt.message_count else 0
    return count_tokens(prompt.text) + overhead + 85 * prompt.image_count


def generate(
    prompt: Prompt, *, model: str, seed: str, created: int, cache: PromptCache | None = None
) -> Generation:
    """Decide the fake model's answer to `prompt`.

    Args:
        prompt: The parsed request.
        model: The model named in the request; it is echoed back.
        seed: A string unique to this request; ids are derived from it.
        created: The Unix time to report.
        cache: Remembers prompts to report cached tokens on repeats.

    Returns:
        The answer, with one choice per requested alternative and the usage.
    """
    calls = _plan_tool_calls(prompt, seed)
    choices = tuple(_make_choice(prompt, i, calls, seed) for i in range(max(1, prompt.n)))
    input_tokens = input_tokens_of(prompt)
    cached = cache.cached_tokens(prompt.text, input_tokens) if cache is not None else 0
    reasoning = 64 * (1 + stable_hash(prompt.text) % 4) if _REASONING_MODEL.match(model) else 0
    usage = Usage(
        input_tokens=input_tokens,
        output_tokens=sum(choice.output_tokens for choice in choices) + reasoning,
        cached_tokens=cached,
        reasoning_tokens=reasoning,
    )
    return Generation(seed, model, created, choices, usage, prompt.top_logprobs)


def _make_choice(prompt: Prompt, index: int, calls: Sequence[tuple[str, str]], seed: str) -> Choice:
    if calls:
        tool_calls = tuple(
            ToolCall(make_id("call_", f"{seed}:{index}:{k}", 24), name, arguments)
            for k, (name, arguments) in enumerate(calls)
        )
        tokens = sum(count_tokens(call.arguments) + 7 for call in tool_calls)
        return Choice(index, None, tool_calls, "tool_calls", tokens)

    text = _answer_text(prompt, index)
    if prompt.json_schema is not None:
        schema = prompt.json_schema
        value = _example_value(schema, "answer", text, prompt.last_user) if schema else None
        text = json.dumps(value if value is not None else {"answer": text})
    text, reason, tokens = _apply_limits(text, prompt.max_tokens, prompt.stops)
    return Choice(index, text, (), reason, tokens)


def _answer_text(prompt: Prompt, variant: int) -> str:
    if prompt.tool_result is not None:
        summary = " ".join(prompt.tool_result.split())[:160]
        return f"Here is what I found: {summary}"

    say = _SAY.match(prompt.last_user)
    if say:
        echoed = say.group(1).strip().strip("\"'")
        echoed = echoed[:1].upper() + echoed[1:]
        return echoed if echoed[-1:] in ".!?" else echoed + "."
    if _GREETING.match(prompt.last_user):
        return "Hello! How can I assist you today?"

    template = _TEMPLATES[(stable_hash(prompt.last_user) + variant) % len(_TEMPLATES)]
    return template.format(topic=_topic(prompt.last_user))


def _topic(text: str) -> str:
    words: list[str] = re.findall(r"[A-Za-z][\w-]*", text)
    keywords = [word for word in words if len(word) >= 4 and word.lower() not in _STOPWORDS]
    if not keywords:
        return "your request"
    # A capitalised word past the first is usually a name: the best thing to echo.
    names = [word for word in words[1:] if word[0].isupper() and word in keywords]
    return names[0] if names else max(keywords, key=len)


def _apply_limits(
    text: str, max_tokens: int | None, stops: Sequence[str]
) -> tuple[str, Literal["stop", "length"], int]:
    for stop in stops:
        position = text.find(stop) if stop else -1
        if position >= 0:
            text = text[:position]

    tokens = count_tokens(text)
    if max_tokens is None or tokens <= max_tokens:
        return text, "stop", tokens

    kept: list[str] = []
    for piece in split_deltas(text):
        if count_tokens("".join([*kept, piece])) > max_tokens:
            break
        kept.append(piece)
    return "".join(kept), "length", max_tokens


def _plan_tool_calls(prompt: Prompt, seed: str) -> list[tuple[str, str]]:
    tool = _pick_tool(prompt)
    if tool is None:
        return []

    places: list[str | None] = []
    if _location_key(tool.schema):
        places.extend(_places(prompt.last_user))
    if not prompt.allow_parallel_tools:
        places = places[:1]
    arguments = [
        _example_value(tool.schema, tool.name, prompt.last_user, prompt.last_user, place)
        for place in places or [None]
    ]
    return [(tool.name, json.dumps(args)) for args in arguments]


def _pick_tool(prompt: Prompt) -> ToolSpec | None:
    if not prompt.tools or prompt.tool_mode == "none" or prompt.tool_result is not None:
        return None
    by_name = {tool.name: tool for tool in prompt.tools}
    if prompt.forced_tool is not None:
        return by_name.get(prompt.forced_tool, prompt.tools[0])

    text = prompt.last_user.lower()
    for tool in prompt.tools:
        names = {tool.name.lower(), tool.name.lower().replace("_", " ")}
        if any(re.search(rf"\b{re.escape(name)}\b", text) for name in names):
            return tool
    for cue, hints in (
        (r"\b(?:weather|temperature|forecast|rain|sunny)\b", "weather"),
        (r"\b(?:time|date|clock|timezone)\b", "time"),
    ):
        if re.search(cue, text):
            return next(
                (tool for tool in prompt.tools if hints in tool.name.lower()), prompt.tools[0]
            )
    return prompt.tools[0] if prompt.tool_mode == "required" else None


def _places(text: str) -> list[str]:
    match = _PLACE.search(text)
    if match is None:
        return []
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group(1))
    return [part.strip() for part in parts if part.strip()[:1].isupper()]


def _location_key(schema: Mapping[str, Any]) -> str | None:
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return None
    return next((key for key in properties if key.lower() in ("location", "city", "place")), None)


def _example_value(
    schema: Mapping[str, Any], name: str, text: str, context: str, place: str | None = None
) -> Any:
    """Build a value that fits `schema`: tool arguments and structured outputs."""
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if kind == "object":
        properties = schema.get("properties")
        if not isinstance(properties, Mapping) or not properties:
            return {"answer": text}
        return {
            key: _example_value(sub, key, text, context, place)
            for key, sub in properties.items()
            if isinstance(sub, Mapping)
        }
    if kind == "array":
        items = schema.get("items")
        return (
            [_example_value(items, name, text, context, place)]
            if isinstance(items, Mapping)
            else []
        )
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return True
    return _example_string(name, text, context, place)


def _example_string(name: str, text: str, context: str, place: str | None) -> str:
    key = name.lower()
    if key in ("location", "city", "place"):
        topic = _topic(context)
        named = next(iter(_places(context)), topic if topic[:1].isupper() else None)
        return place or named or "San Francisco"
    if key in ("timezone", "tz"):
        return "UTC"
    if key in ("unit", "units"):
        return "celsius"
    if key in ("answer", "text", "summary", "content", "response", "explanation"):
        return text
    return _topic(context)


def token_logprob(token: str, top_logprobs: int) -> JsonObject:
    """Return the logprobs entry of one output token with `top_logprobs` alternatives."""
    logprob = -round((stable_hash(token) % 1000) / 4000, 6)
    alternatives = [token, *(alt for alt in _ALTERNATIVE_TOKENS if alt != token)]
    return {
        "token": token,
        "logprob": logprob,
        "bytes": list(token.encode()),
        "top_logprobs": [
            {"token": alt, "logprob": round(logprob - 1.5 * rank, 6), "bytes": list(alt.encode())}
            for rank, alt in enumerate(alternatives[:top_logprobs])
        ],
    }


def embedding_vector(text: str, dimensions: int) -> list[float]:
    """Return a deterministic unit-length vector for `text`, exact in float32."""
    raw: list[float] = []
    counter = 0
    while len(raw) < dimensions:
        digest = hashlib.sha256(f"{counter}:{text}".encode()).digest()
        raw.extend((value - 32768) / 32768 for value in struct.unpack(">16H", digest))
        counter += 1
    norm = math.sqrt(sum(value * value for value in raw[:dimensions])) or 1.0
    # Round through float32 so the float list and the base64 form carry the same numbers.
    packed = struct.pack(f"<{dimensions}f", *(value / norm for value in raw[:dimensions]))
    return list(struct.unpack(f"<{dimensions}f", packed))


def encode_embedding(vector: Sequence[float]) -> str:
    """Encode a vector as OpenAI's `encoding_format: base64` does: little-endian float32."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


# --- request parsers: one per API, all producing a Prompt ---------------------------------


def chat_prompt(request: Mapping[str, Any]) -> Prompt:
    """Parse a `POST /v1/chat/completions` request."""
    messages = [m for m in request.get("messages") or [] if isinstance(m, Mapping)]
    texts: list[str] = []
    images = 0
    last_user = ""
    for message in messages:
        text, count = content_text(message.get("content"))
        texts.append(text)
        images += count
        if message.get("role") == "user":
            last_user = text

    tool_result = None
    if messages and messages[-1].get("role") in ("tool", "function"):
        tool_result = content_text(messages[-1].get("content"))[0]
    mode, forced = _tool_choice(request.get("tool_choice"))
    top_logprobs = as_int(request.get("top_logprobs")) or 0 if request.get("logprobs") else None
    return Prompt(
        text="\n".join(texts),
        message_count=len(messages),
        last_user=last_user,
        tool_result=tool_result,
        tools=tool_specs(request.get("tools")),
        tool_mode=mode,
        forced_tool=forced,
        allow_parallel_tools=request.get("parallel_tool_calls") is not False,
        max_tokens=as_int(request.get("max_completion_tokens", request.get("max_tokens"))),
        stops=_stops(request.get("stop")),
        n=as_int(request.get("n")) or 1,
        json_schema=_json_format(request.get("response_format")),
        top_logprobs=top_logprobs,
        image_count=images,
    )


def completion_prompt(request: Mapping[str, Any]) -> Prompt:
    """Parse a legacy `POST /v1/completions` request (several prompts are joined into one)."""
    raw = request.get("prompt")
    if isinstance(raw, list):
        text = "\n".join(item if isinstance(item, str) else json.dumps(item) for item in raw)
    else:
        text = raw if isinstance(raw, str) else ""
    max_tokens = as_int(request.get("max_tokens"))
    return Prompt(
        text=text,
        message_count=0,
        last_user=text,
        # The legacy endpoint stops at 16 tokens unless told otherwise.
        max_tokens=16 if max_tokens is None else max_tokens,
        stops=_stops(request.get("stop")),
        n=as_int(request.get("n")) or 1,
        top_logprobs=as_int(request.get("logprobs")),
    )


def responses_prompt(request: Mapping[str, Any]) -> Prompt:
    """Parse a `POST /v1/responses` request."""
    instructions = request.get("instructions")
    texts = [instructions] if isinstance(instructions, str) else []
    raw = request.get("input")
    items = [{"role": "user", "content": raw}] if isinstance(raw, str) else raw or []
    last_user = ""
    tool_result = None
    images = 0
    for item in items:
        if not isinstance(item, Mapping):
            continue
        kind = item.get("type", "message")
        if kind == "function_call_output":
            tool_result = str(item.get("output", ""))
            texts.append(tool_result)
            continue
        tool_result = None
        if kind != "message":
            # Earlier outputs passed back (function calls, reasoning): input, not a user turn.
            texts.append(str(item.get("arguments", "")))
            continue
        text, count = content_text(item.get("content"))
        texts.append(text)
        images += count
        if item.get("role", "user") == "user":
            last_user = text

    text_options = request.get("text")
    mode, forced = _tool_choice(request.get("tool_choice"))
    return Prompt(
        text="\n".join(texts),
        message_count=len(texts),
        last_user=last_user,
        tool_result=tool_result,
        tools=tool_specs(request.get("tools")),
        tool_mode=mode,
        forced_tool=forced,
        allow_parallel_tools=request.get("parallel_tool_calls") is not False,
        max_tokens=as_int(request.get("max_output_tokens")),
        json_schema=_json_format(text_options.get("format"))
        if isinstance(text_options, Mapping)
        else None,
        image_count=images,
    )


def anthropic_prompt(request: Mapping[str, Any]) -> Prompt:
    """Parse an Anthropic `POST /v1/messages` request."""
    system_text = content_text(request.get("system"))[0]
    texts = [system_text] if system_text else []
    messages = [m for m in request.get("messages") or [] if isinstance(m, Mapping)]
    last_user = ""
    images = 0
    for message in messages:
        text, count = content_text(message.get("content"))
        texts.append(text)
        images += count
        if message.get("role") == "user" and text:
            last_user = text

    tool_result = _anthropic_tool_result(messages[-1]) if messages else None
    mode, forced = _tool_choice(request.get("tool_choice"))
    return Prompt(
        text="\n".join(texts),
        message_count=len(texts),
        last_user=last_user,
        tool_result=tool_result,
        tools=tool_specs(request.get("tools")),
        tool_mode=mode,
        forced_tool=forced,
        max_tokens=as_int(request.get("max_tokens")),
        stops=_stops(request.get("stop_sequences")),
        image_count=images,
    )


def _anthropic_tool_result(message: Mapping[str, Any]) -> str | None:
    content = message.get("content")
    if message.get("role") != "user" or not isinstance(content, list):
        return None
    results = [
        content_text(block.get("content"))[0]
        for block in content
        if isinstance(block, Mapping) and block.get("type") == "tool_result"
    ]
    return "\n".join(results) if results else None


def _tool_choice(choice: object) -> tuple[ToolMode, str | None]:
    if isinstance(choice, str):
        if choice == "none":
            return "none", None
        return ("required" if choice in ("required", "any") else "auto"), None
    if not isinstance(choice, Mapping):
        return "auto", None

    # Chat nests the name under "function"; Responses and Anthropic put it at the top.
    function = choice.get("function")
    name = function.get("name") if isinstance(function, Mapping) else choice.get("name")
    if isinstance(name, str):
        return "required", name
    kind = choice.get("type")
    if kind in ("any", "required"):
        return "required", None
    return ("none" if kind == "none" else "auto"), None


def _json_format(value: object) -> Mapping[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    if value.get("type") == "json_object":
        return {}
    if value.get("type") != "json_schema":
        return None
    # Chat wraps the schema in "json_schema"; the Responses API does not.
    holder = value.get("json_schema")
    schema = (holder if isinstance(holder, Mapping) else value).get("schema")
    return schema if isinstance(schema, Mapping) else {}


def _stops(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def as_int(value: object) -> int | None:
    """Return `value` if it is an int (not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
