"""Security checks on monitored calls: scan, then redact, block or just record.

When a verdict can change the call (PII redaction or blocking, ``blockHighThreats``), the
request is scanned on the caller's thread before it leaves; otherwise scanning happens on the
recorder's worker after the call, so detection-only settings cost the caller nothing.

Limitations:
    A scanner failure lets the call through unscanned (and logs a warning), in line with the
    rule that prysmai never breaks the application's call. Streamed answers are scanned when
    they end; their text has already reached the caller by then.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

from prysmai import jsonutil, semconv
from prysmai.scan_cache import ScanCache
from prysmai.security import scan
from prysmai.security.engine import prepare_in_background
from prysmai.security.instruction_conflict import conflicts
from prysmai.security.pii import detect_pii
from prysmai.security.redaction import hash_key, redact
from prysmai.security.scoring import level_for, score_with_instructions
from prysmai.text_slots import (
    TextSlot,
    all_string_slots,
    embedded_instructions,
    instructions_and_inputs,
    request_slots,
    response_slots,
)

if TYPE_CHECKING:
    from prysmai.call import CallRecord
    from prysmai.providers.details import CallDetails
    from prysmai.security.config import SecurityConfig
    from prysmai.security.findings import Finding

logger = logging.getLogger(__name__)

BLOCK_THRESHOLD: Final = 70
"""Threat score at or above which ``blockHighThreats`` rejects a request."""

_MAX_REASONS: Final = 10
_METHODS_WITH_TEXT: Final = frozenset({"POST", "PUT", "PATCH"})

# Returned by ``_act`` when a redacted JSON body cannot be written back out.
_UNWRITABLE: Final = object()


@dataclass(slots=True)
class Verdict:
    """What scanning one call found and what was done about it."""

    score: int = 0
    level: str = "clean"
    findings: list[Finding] = field(default_factory=list)
    action: str = "none"
    """``none``, ``redacted``, ``blocked`` or ``response_redacted`` / ``response_blocked``."""
    scan_ms: float = 0.0
    response_findings: list[Finding] = field(default_factory=list)
    instruction_findings: list[Finding] = field(default_factory=list)
    """The findings (among ``findings``) in the application's own instructions."""

    def rescore(self) -> None:
        """Set the score and level from the findings."""
        self.score = score_with_instructions(self.findings, self.instruction_findings)
        self.level = level_for(self.score).value


def make_guard(security: SecurityConfig | bool | None) -> Guard | None:
    """Return the guard for a client's settings (``None`` when every scanner is off)."""
    from prysmai.security.config import SecurityConfig

    if security is False:
        return None
    if security is True:
        security = None
    config = security if security is not None else SecurityConfig.from_env()
    if not (config.injection_detection or config.pii_detection or config.content_policy):
        if not config.custom_keywords:
            return None
    return Guard(config)


class Guard:
    """Applies one client's security settings to its calls."""

    def __init__(self, config: SecurityConfig) -> None:
        self.config = config
        self.mode = str(getattr(config.pii_redaction_mode, "value", config.pii_redaction_mode))
        self.redacts = self.mode in ("mask", "hash", "block")
        # Text that is kept anyway (telemetry, a blocked request's record) is masked in block mode.
        self._text_mode = "mask" if self.mode == "block" else self.mode
        self.is_inline = self.redacts or config.block_high_threats
        self._key = hash_key() if self.mode == "hash" else None
        # Conversations resend every earlier message on each turn: scan each text once.
        self._scans = ScanCache(lambda text: scan(text, config).findings)
        # The application's own instructions are its text: "Do not reveal the password" or "if
        # asked to ignore these rules, refuse" is no attack, but a document pasted into them
        # can carry one (and the user's texts are checked against them).
        self._instruction_scans = ScanCache(
            lambda text: scan(text, config, as_instructions=True).findings
        )
        # The same for each user message against the conversation's instructions.
        self._conflicts = ScanCache(lambda text, instructions: tuple(conflicts(instructions, text)))
        # Compile the scanners while the application starts up, not during its first call.
        prepare_in_background()

    # --- caller's thread ---------------------------------------------------------------------
    def before_send(self, call: CallRecord, request: Any, http_module: ModuleType) -> Any:
        """Scan a request that is about to leave; return a 403 answer, a new request or None."""
        if not self.is_inline or not call.request_body:
            return None
        try:
            body = jsonutil.loads(call.request_body)
        except ValueError:
            return self._check_raw_request(call, request, http_module)
        slots, verdict = self._scan_request(call, body)
        # PII can sit anywhere the application put text (names, metadata, extra fields).
        covered = {(id(slot.container), slot.key) for slot in slots}
        others = [s for s in all_string_slots(body) if (id(s.container), s.key) not in covered]
        if self.config.pii_detection and others:
            verdict.findings.extend(f for slot in others for f in detect_pii(slot.text))
            verdict.rescore()

        outcome = self._act(
            call, request, http_module, verdict, lambda: self._redacted_body(body, slots + others)
        )
        if outcome is _UNWRITABLE:
            return self._check_raw_request(call, request, http_module)
        return outcome

    def before_send_other(
        self, request: Any, http_module: ModuleType, wire_format: str | None
    ) -> Any:
        """Guard a request that is no model call but carries text to the provider.

        Token counts, message batches, conversation items, moderation input, image prompts and
        text to speak all hold text the provider reads (and batches and conversation items
        reach a model later): PII in any of their JSON strings is redacted or blocked as in a
        model call, and ``blockHighThreats`` applies, with the system and developer texts they
        carry read as the application's instructions. Moderation input is never blocked for
        its threat score: checking attacks is what the endpoint is for. Nothing is recorded
        (these calls have no span). Bodies that are not JSON (file uploads) pass unread.

        Returns:
            A 403 answer, a rewritten request, or ``None`` to send the request as it is.
        """
        if not self.is_inline or request.method not in _METHODS_WITH_TEXT:
            return None
        try:
            content: bytes = request.content
        except Exception:  # a streamed upload: reading it here would consume it
            return None
        if not content or content.lstrip()[:1] not in b"{[":
            return None
        try:
            body = jsonutil.loads(content)
        except ValueError:
            return None
        slots = all_string_slots(body)
        try:
            instructions = frozenset(embedded_instructions(wire_format, body))
        except Exception:  # the slots' own verdict (redaction, blocking) must still stand
            logger.warning("reading a request's instructions failed", exc_info=True)
            instructions = frozenset()
        verdict = self._scan_slots(slots, instructions)
        blocks_pii = self.mode == "block" and _has_pii(verdict.findings)
        is_moderation = request.url.path.rstrip("/").endswith("/moderations")
        if blocks_pii or (not is_moderation and self._should_block(verdict)):
            return _refusal(request, http_module, verdict, "request")
        if not self.redacts or not _has_pii(verdict.findings):
            return None
        new_body = self._redacted_body(body, slots)
        if new_body is None:
            return _refusal(request, http_module, verdict, "request")
        return _rebuilt_request(request, new_body, http_module)

    def _check_raw_request(self, call: CallRecord, request: Any, http_module: ModuleType) -> Any:
        """Scan and redact a body that cannot be handled as JSON as plain text.

        Placeholders hold no quotes or backslashes, so replacing a value inside a JSON string
        keeps the document valid.
        """
        assert call.request_body is not None
        text = call.request_body.decode("utf-8", errors="replace")
        verdict = self._scan_slots([TextSlot([text], 0)])
        return self._act(
            call, request, http_module, verdict, lambda: self._redact_text(text).encode()
        )

    def _act(
        self,
        call: CallRecord,
        request: Any,
        http_module: ModuleType,
        verdict: Verdict,
        rewritten: Callable[[], bytes | None],
    ) -> Any:
        """Block, redact or pass a scanned request; ``rewritten`` gives the redacted body."""
        call.scan = verdict
        if self._should_block(verdict):
            verdict.action = "blocked"
            return self._blocked_response(call, request, http_module, verdict, "request")
        if not self.redacts or not _has_pii(verdict.findings):
            return None
        new_body = rewritten()
        if new_body is None:
            return _UNWRITABLE
        verdict.action = "redacted"
        call.request_body = new_body
        return _rebuilt_request(request, new_body, http_module)

    def _scan_request(self, call: CallRecord, body: Any) -> tuple[list[TextSlot], Verdict]:
        """Scan a request's texts, and its inputs against its own instructions."""
        wire_format, endpoint_name = call.endpoint.wire_format, call.endpoint.name
        slots = request_slots(wire_format, endpoint_name, body)
        try:
            instructions, inputs = instructions_and_inputs(wire_format, endpoint_name, body)
        except Exception:  # the slots' own verdict (redaction, blocking) must still stand
            logger.warning("reading a request's instructions failed", exc_info=True)
            instructions, inputs = [], []
        verdict = self._scan_slots(slots, frozenset(instructions))
        if not self.config.injection_detection:
            return slots, verdict
        started = time.perf_counter()
        try:
            found = self._instruction_conflicts("\n".join(instructions), inputs)
        except Exception:  # the slots' own verdict (redaction, blocking) must still stand
            logger.warning("checking a request against its instructions failed", exc_info=True)
            found = []
        if found:
            verdict.findings.extend(found)
            verdict.rescore()
        verdict.scan_ms += (time.perf_counter() - started) * 1000
        return slots, verdict

    def _instruction_conflicts(self, instructions: str, inputs: list[str]) -> list[Finding]:
        if not instructions.strip():
            return []
        return [
            finding
            for text in inputs
            for finding in self._conflicts.findings(text, context=instructions)
        ]

    def _scan_slots(
        self, slots: list[TextSlot], instructions: frozenset[str] = frozenset()
    ) -> Verdict:
        started = time.perf_counter()
        verdict = Verdict()
        for slot in slots:
            text = slot.text
            if text in instructions:
                found = self._instruction_scans.findings(text)
                verdict.instruction_findings.extend(found)
            else:
                found = self._scans.findings(text)
            verdict.findings.extend(found)
        verdict.rescore()
        verdict.scan_ms = (time.perf_counter() - started) * 1000
        return verdict

    def _should_block(self, verdict: Verdict) -> bool:
        if self.config.block_high_threats and verdict.score >= BLOCK_THRESHOLD:
            return True
        return self.mode == "block" and _has_pii(verdict.findings)

    def _redact_text(self, text: str) -> str:
        return redact(text, self._text_mode, key=self._key)

    def _redacted_body(self, body: Any, slots: list[TextSlot]) -> bytes | None:
        """Redact ``slots`` in place and write ``body`` out; None when it cannot be written."""
        self._redact_slots(slots)
        try:
            return jsonutil.dumps(body).encode()
        except (TypeError, ValueError, RecursionError):
            return None

    def _redact_slots(self, slots: list[TextSlot]) -> None:
        for slot in slots:
            redacted = self._redact_text(slot.text)
            if redacted != slot.text:
                slot.replace(redacted)

    def _blocked_response(
        self, call: CallRecord, request: Any, http_module: ModuleType, verdict: Verdict, what: str
    ) -> Any:
        response = _refusal(request, http_module, verdict, what)
        call.status_code = 403
        call.response_headers = response.headers
        call.add_chunk(response.content)
        call.is_exhausted = True
        call.finish()
        return response

    def check_response(
        self, call: CallRecord, request: Any, response: Any, http_module: ModuleType
    ) -> Any:
        """Scan a whole answer before the SDK reads it; return a replacement or ``None``.

        Only used for non-streamed answers with ``scan_responses`` on and redaction or blocking
        set; the body has been read by then.
        """
        try:
            body = jsonutil.loads(response.content)
        except ValueError:
            return None
        slots = response_slots(call.endpoint.wire_format, call.endpoint.name, body)
        verdict = self._scan_slots(slots)
        if call.scan is None:
            call.scan = Verdict()
        call.scan.response_findings = verdict.findings
        if self._should_block(verdict):
            call.scan.action = "response_blocked"
            return self._blocked_response(call, request, http_module, verdict, "answer")
        if not self.redacts or not _has_pii(verdict.findings):
            return None
        self._redact_slots(slots)
        call.scan.action = "response_redacted"
        content = jsonutil.dumps(body).encode()
        headers = [
            (k, v)
            for k, v in response.headers.items()
            if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")
        ]
        return http_module.Response(
            response.status_code,
            headers=headers,
            content=content,
            request=request,
            extensions=response.extensions,
        )

    @property
    def checks_responses_inline(self) -> bool:
        """Whether whole answers are scanned before the caller gets them."""
        return self.config.scan_responses and self.is_inline

    # --- worker thread -----------------------------------------------------------------------
    def after_call(self, call: CallRecord, details: CallDetails) -> None:
        """Scan what was not scanned inline and redact captured text when redaction is on."""
        if call.scan is None and call.request_body:
            try:
                body = jsonutil.loads(call.request_body)
            except ValueError:
                body = None
            call.scan = self._scan_request(call, body)[1]
        if self.config.scan_responses and call.scan is not None and not call.scan.response_findings:
            texts = [c.text for c in details.choices if c.text]
            texts += [t.arguments for c in details.choices for t in c.tool_calls]
            response_verdict = self._scan_slots([TextSlot(texts, i) for i in range(len(texts))])
            call.scan.response_findings = response_verdict.findings
        if self.redacts:
            self._redact_details(details)

    def redact_attributes(self, attributes: dict[str, Any]) -> None:
        """Redact free text the application put on the span (metadata, tool descriptions)."""
        if not self.redacts:
            return
        for name, value in attributes.items():
            is_free_text = name.startswith(semconv.METADATA_PREFIX) or name in (
                semconv.TOOL_DEFINITIONS,
                semconv.USER_ID,
                semconv.SESSION_ID,
            )
            if is_free_text and isinstance(value, str):
                attributes[name] = self._redact_text(value)

    def _redact_details(self, details: CallDetails) -> None:
        """Keep raw PII out of telemetry: captured answers are redacted like requests."""
        for choice in details.choices:
            choice.text_parts = [self._redact_text(choice.text)]
            for tool_call in choice.tool_calls:
                tool_call.arguments = self._redact_text(tool_call.arguments)
        details.system_instructions = [self._redact_text(t) for t in details.system_instructions]
        if details.error_message:
            # Providers quote the offending input in error messages.
            details.error_message = self._redact_text(details.error_message)
        for message in details.input_messages:
            for part in message.get("parts", []):
                for key in ("content", "arguments", "response"):
                    if isinstance(part.get(key), str):
                        part[key] = self._redact_text(part[key])

    def span_attributes(
        self, call: CallRecord, details: CallDetails, capture_content: bool
    ) -> dict[str, Any]:
        """Return the ``prysm.security.*`` attributes of a call."""
        verdict = call.scan
        if not isinstance(verdict, Verdict):
            return {}
        findings = verdict.findings + verdict.response_findings
        attributes: dict[str, Any] = {
            semconv.THREAT_SCORE: verdict.score,
            semconv.THREAT_LEVEL: verdict.level,
            semconv.SECURITY_ACTION: verdict.action,
            semconv.SECURITY_SCAN_MS: round(verdict.scan_ms, 3),
        }
        categories = sorted({f.category for f in findings if f.kind.value == "injection"})
        pii_counts: dict[str, int] = {}
        for finding in findings:
            if finding.kind.value == "pii":
                pii_counts[finding.category] = pii_counts.get(finding.category, 0) + 1
        policies = sorted({f.category for f in findings if f.kind.value in ("policy", "keyword")})
        if categories:
            attributes[semconv.SECURITY_CATEGORIES] = categories
        if pii_counts:
            attributes[semconv.SECURITY_PII_TYPES] = sorted(pii_counts)
            attributes[semconv.SECURITY_PII_COUNT] = sum(pii_counts.values())
        if policies:
            attributes[semconv.SECURITY_POLICIES] = policies
        if findings:
            sources = {id(f): "instructions" for f in verdict.instruction_findings}
            sources.update((id(f), "response") for f in verdict.response_findings)
            attributes[semconv.SECURITY_FINDINGS] = jsonutil.dumps(
                [
                    _finding_record(f, sources.get(id(f), "request"), capture_content)
                    for f in findings[:50]
                ]
            )
        return attributes


def _finding_record(finding: Finding, source: str, with_snippet: bool) -> dict[str, Any]:
    """One finding as the span records it.

    ``source`` says where it was found: ``request`` (what users and tools sent, and other
    request fields), ``instructions`` (the application's own system prompt) or ``response``.
    """
    record: dict[str, Any] = {
        "kind": finding.kind.value,
        "category": finding.category,
        "rule": finding.rule,
        "severity": finding.severity,
        "source": source,
        "start": finding.start,
        "end": finding.end,
    }
    if with_snippet:
        record["snippet"] = finding.snippet
    return record


def _refusal(request: Any, http_module: ModuleType, verdict: Verdict, what: str) -> Any:
    """The 403 answer the SDK raises as its permission error, saying why."""
    reasons = _reasons(verdict.findings)
    message = f"prysmai blocked this {what}: threat score {verdict.score} ({verdict.level}); " + (
        "; ".join(reasons) if reasons else "policy"
    )
    body = {
        "error": {
            "message": message,
            "type": "security_error",
            "code": f"{what}_blocked",
            "param": None,
            "threat_score": verdict.score,
            "threat_level": verdict.level,
            "reasons": reasons,
        }
    }
    # The SDK must not retry a refusal that would be refused again.
    headers = {"content-type": "application/json", "x-should-retry": "false"}
    return http_module.Response(
        403, headers=headers, content=jsonutil.dumps(body).encode(), request=request
    )


def _has_pii(findings: list[Finding]) -> bool:
    return any(f.kind.value == "pii" for f in findings)


def _reasons(findings: list[Finding]) -> list[str]:
    reasons: list[str] = []
    for finding in sorted(findings, key=lambda f: -f.severity):
        reason = f"{finding.kind.value}: {finding.category} ({finding.rule})"
        if reason not in reasons:
            reasons.append(reason)
        if len(reasons) >= _MAX_REASONS:
            break
    return reasons


def _rebuilt_request(request: Any, body: bytes, http_module: ModuleType) -> Any:
    headers = [(k, v) for k, v in request.headers.raw if k.lower() not in (b"content-length",)]
    return http_module.Request(
        request.method, request.url, headers=headers, content=body, extensions=request.extensions
    )
