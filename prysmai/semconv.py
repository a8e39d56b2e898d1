"""Span and metric names prysmai writes.

The ``gen_ai.*`` names follow the OpenTelemetry GenAI semantic conventions; ``prysm.*`` names
cover what the conventions leave out (cost, security verdicts, custom metadata, cut-short
streams). Every producer and reader of telemetry in the package uses these constants, so the
embedded store, the CLI and the exporters always agree on a name.
"""

from __future__ import annotations

from typing import Final

# --- GenAI semantic conventions -------------------------------------------------------------
OPERATION_NAME: Final = "gen_ai.operation.name"
PROVIDER_NAME: Final = "gen_ai.provider.name"
# Older backends still key on the deprecated name, so it is written alongside.
SYSTEM: Final = "gen_ai.system"
REQUEST_MODEL: Final = "gen_ai.request.model"
REQUEST_TEMPERATURE: Final = "gen_ai.request.temperature"
REQUEST_MAX_TOKENS: Final = "gen_ai.request.max_tokens"
REQUEST_TOP_P: Final = "gen_ai.request.top_p"
REQUEST_STOP_SEQUENCES: Final = "gen_ai.request.stop_sequences"
REQUEST_CHOICE_COUNT: Final = "gen_ai.request.choice.count"
REQUEST_SEED: Final = "gen_ai.request.seed"
REQUEST_FREQUENCY_PENALTY: Final = "gen_ai.request.frequency_penalty"
REQUEST_PRESENCE_PENALTY: Final = "gen_ai.request.presence_penalty"
REQUEST_ENCODING_FORMATS: Final = "gen_ai.request.encoding_formats"
OUTPUT_TYPE: Final = "gen_ai.output.type"
RESPONSE_ID: Final = "gen_ai.response.id"
RESPONSE_MODEL: Final = "gen_ai.response.model"
RESPONSE_FINISH_REASONS: Final = "gen_ai.response.finish_reasons"
RESPONSE_TIME_TO_FIRST_CHUNK: Final = "gen_ai.response.time_to_first_chunk"
USAGE_INPUT_TOKENS: Final = "gen_ai.usage.input_tokens"
USAGE_OUTPUT_TOKENS: Final = "gen_ai.usage.output_tokens"
USAGE_CACHE_READ_INPUT_TOKENS: Final = "gen_ai.usage.cache_read.input_tokens"
USAGE_CACHE_CREATION_INPUT_TOKENS: Final = "gen_ai.usage.cache_creation.input_tokens"
USAGE_REASONING_OUTPUT_TOKENS: Final = "gen_ai.usage.reasoning.output_tokens"
INPUT_MESSAGES: Final = "gen_ai.input.messages"
OUTPUT_MESSAGES: Final = "gen_ai.output.messages"
SYSTEM_INSTRUCTIONS: Final = "gen_ai.system_instructions"
TOOL_DEFINITIONS: Final = "gen_ai.tool.definitions"
SERVER_ADDRESS: Final = "server.address"
SERVER_PORT: Final = "server.port"
ERROR_TYPE: Final = "error.type"
HTTP_STATUS_CODE: Final = "http.response.status_code"
USER_ID: Final = "user.id"
SESSION_ID: Final = "session.id"

# --- prysm extensions ------------------------------------------------------------------------
COST_USD: Final = "prysm.cost.usd"
COST_INPUT_USD: Final = "prysm.cost.input_usd"
COST_OUTPUT_USD: Final = "prysm.cost.output_usd"
COST_SOURCE: Final = "prysm.cost.source"
LATENCY_MS: Final = "prysm.latency_ms"
TIME_TO_FIRST_BYTE_MS: Final = "prysm.time_to_first_byte_ms"
TIME_TO_FIRST_TOKEN_MS: Final = "prysm.time_to_first_token_ms"
STREAM: Final = "prysm.stream"
STREAM_CUT_SHORT: Final = "prysm.stream.cut_short"
STREAM_CHUNK_COUNT: Final = "prysm.stream.chunk_count"
STATUS: Final = "prysm.status"
TOOL_CALLS: Final = "prysm.tool_calls"
TOOL_CALL_COUNT: Final = "prysm.tool_call.count"
SERVER_TOOL_CALLS: Final = "prysm.server_tool_calls"
"""Tools the provider ran itself (web search, code execution, MCP ...): id, type, name, server."""
SERVER_TOOL_CALL_COUNT: Final = "prysm.server_tool_call.count"
USAGE_SERVER_TOOL_PREFIX: Final = "prysm.usage.server_tool."
"""Followed by a field of Anthropic's ``usage.server_tool_use``: ``web_search_requests`` ..."""
USAGE_OTHER_MODELS: Final = "prysm.usage.other_models"
"""Tokens other models spent inside the call (Anthropic's advisor): model, input, output."""
LOGPROBS: Final = "prysm.logprobs"
REQUEST_TOOLS: Final = "prysm.request.tools"
REQUEST_RESPONSE_FORMAT: Final = "prysm.request.response_format"
METADATA_PREFIX: Final = "prysm.metadata."
ENDPOINT: Final = "prysm.endpoint"
CONTENT_TRUNCATED: Final = "prysm.content.truncated"

THREAT_SCORE: Final = "prysm.security.threat_score"
THREAT_LEVEL: Final = "prysm.security.threat_level"
SECURITY_CATEGORIES: Final = "prysm.security.categories"
SECURITY_FINDINGS: Final = "prysm.security.findings"
SECURITY_PII_TYPES: Final = "prysm.security.pii_types"
SECURITY_PII_COUNT: Final = "prysm.security.pii_count"
SECURITY_POLICIES: Final = "prysm.security.policies"
SECURITY_ACTION: Final = "prysm.security.action"
SECURITY_SCAN_MS: Final = "prysm.security.scan_ms"
SECURITY_SETTINGS_SOURCE: Final = "prysm.security.settings_source"
"""With ``security="collector"``: ``collector`` (settings fetched from it) or ``local`` (the
collector has not answered yet: the local settings)."""
SECURITY_SETTINGS_VERSION: Final = "prysm.security.settings_version"
"""With ``security="collector"``: the version of the collector's settings the call used."""

# --- metrics ---------------------------------------------------------------------------------
METRIC_OPERATION_DURATION: Final = "gen_ai.client.operation.duration"
METRIC_TOKEN_USAGE: Final = "gen_ai.client.token.usage"
METRIC_TIME_TO_FIRST_CHUNK: Final = "gen_ai.client.operation.time_to_first_chunk"
METRIC_COST: Final = "prysm.client.cost"
TOKEN_TYPE: Final = "gen_ai.token.type"

# Explicit bucket boundaries the GenAI conventions recommend.
DURATION_BUCKETS_S: Final = (
    0.01,
    0.02,
    0.04,
    0.08,
    0.16,
    0.32,
    0.64,
    1.28,
    2.56,
    5.12,
    10.24,
    20.48,
    40.96,
    81.92,
)
TOKEN_BUCKETS: Final = (
    1,
    4,
    16,
    64,
    256,
    1024,
    4096,
    16384,
    65536,
    262144,
    1048576,
    4194304,
    16777216,
    67108864,
)
