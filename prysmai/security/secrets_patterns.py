"""Credential detectors: provider API keys, labelled secrets, URL credentials and PEM keys.

Each provider pattern starts with the provider's literal prefix (``sk-``, ``ghp_``, ``AIza`` ...),
so the regex engine jumps between occurrences of that prefix instead of trying every position.
Candidates are then checked (placeholder words, character mix, JWT header) before they are
reported, so documentation stand-ins such as ``sk-xxxx...`` or ``YOUR_API_KEY_HERE`` stay quiet.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterator
from typing import Final, NamedTuple

from prysmai.security.pii_validators import (
    Candidate,
    has_mixed_classes,
    looks_like_placeholder,
    shannon_entropy,
)

API_KEY: Final = "API_KEY"
PRIVATE_KEY: Final = "PRIVATE_KEY"

_TOKEN_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_PEM_SEARCH_LIMIT: Final = 65_536
"""How far after a ``BEGIN`` marker the matching ``END`` marker is looked for."""


class _KeyRule(NamedTuple):
    name: str
    trigger: str
    """RE2 pattern for the literal prefix plus a minimal body: the cheap pre-check."""
    pattern: re.Pattern[str]
    classify: Callable[[str], str | None]
    """Maps the matched token to a rule name, or None to reject it."""


_SK_PREFIXES: Final = (
    ("sk-ant-admin", "anthropic_admin"),
    ("sk-ant-", "anthropic"),
    ("sk-proj-", "openai_project"),
    ("sk-svcacct-", "openai_svcacct"),
    ("sk-admin-", "openai_admin"),
    ("sk-None-", "openai_user"),
)
_GITHUB_KINDS: Final = {
    "p": "github_pat",
    "o": "github_oauth",
    "u": "github_user",
    "s": "github_server",
    "r": "github_refresh",
}
_SLACK_KINDS: Final = {
    "b": "slack_bot",
    "p": "slack_user",
    "a": "slack_app",
    "r": "slack_refresh",
    "s": "slack_session",
    "o": "slack_legacy",
}


def _classify_sk(token: str) -> str | None:
    for prefix, rule in _SK_PREFIXES:
        if token.startswith(prefix):
            return rule if _is_random(token[len(prefix) :], min_length=32) else None
    if not _is_random(token[3:], min_length=32):
        return None
    # "T3BlbkFJ" is base64 for "OpenAI", embedded in OpenAI's user keys; other vendors
    # (DeepSeek, OpenRouter ...) use "sk-" too.
    return "openai_legacy" if "T3BlbkFJ" in token else "sk_generic"


def _classify_github(token: str) -> str | None:
    if token.startswith("github_pat_"):
        return "github_fine_grained" if _is_random(token[11:], min_length=40) else None
    return _GITHUB_KINDS[token[2]] if _is_random(token[4:], min_length=30) else None


def _classify_slack(token: str) -> str | None:
    body = token[5:]
    if looks_like_placeholder(body) or sum(char.isdigit() for char in body) < 6:
        return None  # real tokens carry numeric team and user ids
    return _SLACK_KINDS.get(token[3])


def _classify_jwt(token: str) -> str | None:
    header_b64 = token.split(".", 1)[0]
    try:
        padded = header_b64 + "=" * (-len(header_b64) % 4)
        header = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or str(header.get("alg", "none")).lower() == "none":
        return None  # unsigned tokens carry no credential (documentation examples)
    return "jwt"


def _fixed(
    rule: str, prefix_length: int, *, need_digit: bool = True
) -> Callable[[str], str | None]:
    def classify(token: str) -> str | None:
        body = token[prefix_length:]
        if looks_like_placeholder(body) or not has_mixed_classes(body, need_digit=need_digit):
            return None
        return rule

    return classify


def _aws_key_id(token: str) -> str | None:
    body = token[4:]
    return None if looks_like_placeholder(body) else "aws_access_key_id"


def _is_random(body: str, *, min_length: int) -> bool:
    """Real keys are long, mixed-case random strings; placeholders are not."""
    if len(body) < min_length or looks_like_placeholder(body):
        return False
    return has_mixed_classes(body) and shannon_entropy(body) >= 3.5


_KEY_RULES: Final[tuple[_KeyRule, ...]] = (
    _KeyRule(
        "sk",
        r"sk-[A-Za-z0-9_\-]{20}",
        re.compile(r"sk-(?<![A-Za-z0-9_\-].{3})[A-Za-z0-9_\-]{20,400}"),
        _classify_sk,
    ),
    _KeyRule(
        "github",
        r"gh[pousr]_[A-Za-z0-9]{30}",
        re.compile(r"gh[pousr]_(?<![A-Za-z0-9_\-].{4})[A-Za-z0-9]{30,251}"),
        _classify_github,
    ),
    _KeyRule(
        "github_pat",
        r"github_pat_[A-Za-z0-9_]{40}",
        re.compile(r"github_pat_(?<![A-Za-z0-9_\-].{11})[A-Za-z0-9_]{40,255}"),
        _classify_github,
    ),
    _KeyRule(
        "stripe",
        r"[sr]k_(?:live|test)_[A-Za-z0-9]{16}",
        re.compile(r"[sr]k_(?<![A-Za-z0-9_\-].{3})(?:live|test)_[A-Za-z0-9]{16,255}"),
        _fixed("stripe", 8),
    ),
    _KeyRule(
        "google",
        r"AIza[A-Za-z0-9_\-]{35}",
        re.compile(r"AIza(?<![A-Za-z0-9_\-].{4})[A-Za-z0-9_\-]{35}"),
        _fixed("google_api", 4, need_digit=False),
    ),
    _KeyRule(
        "aws",
        r"A[KS]IA[A-Z0-9]{16}",
        re.compile(r"A[KS]IA(?<![A-Za-z0-9_\-].{4})[A-Z0-9]{16}"),
        _aws_key_id,
    ),
    _KeyRule(
        "slack",
        r"xox[abposr]-[A-Za-z0-9\-]{10}",
        re.compile(r"xox[abposr]-(?<![A-Za-z0-9_\-].{5})[A-Za-z0-9\-]{10,250}"),
        _classify_slack,
    ),
    _KeyRule(
        "slack_app",
        r"xapp-[0-9]-",
        re.compile(r"xapp-(?<![A-Za-z0-9_\-].{5})[0-9]-[A-Za-z0-9\-]{20,250}"),
        _fixed("slack_app_level", 5),
    ),
    _KeyRule(
        "jwt",
        r"eyJ[A-Za-z0-9_\-]{10}",
        re.compile(
            r"eyJ(?<![A-Za-z0-9_\-].{3})[A-Za-z0-9_\-]{10,4096}+"  # header
            r"\.eyJ[A-Za-z0-9_\-]{2,8192}+"  # payload
            r"\.[A-Za-z0-9_\-]{16,1024}+"  # signature: unsigned tokens have none
        ),
        _classify_jwt,
    ),
    _KeyRule(
        "huggingface",
        r"hf_[A-Za-z0-9]{30}",
        re.compile(r"hf_(?<![A-Za-z0-9_\-].{3})[A-Za-z0-9]{30,40}"),
        _fixed("huggingface", 3),
    ),
    _KeyRule(
        "gitlab",
        r"glpat-[A-Za-z0-9_\-]{20}",
        re.compile(r"glpat-(?<![A-Za-z0-9_\-].{6})[A-Za-z0-9_\-]{20,64}"),
        _fixed("gitlab_pat", 6),
    ),
    _KeyRule(
        "npm",
        r"npm_[A-Za-z0-9]{36}",
        re.compile(r"npm_(?<![A-Za-z0-9_\-].{4})[A-Za-z0-9]{36}"),
        _fixed("npm", 4),
    ),
    _KeyRule(
        "groq",
        r"gsk_[A-Za-z0-9]{48}",
        re.compile(r"gsk_(?<![A-Za-z0-9_\-].{4})[A-Za-z0-9]{48,64}"),
        _fixed("groq", 4),
    ),
    _KeyRule(
        "xai",
        r"xai-[A-Za-z0-9]{60}",
        re.compile(r"xai-(?<![A-Za-z0-9_\-].{4})[A-Za-z0-9]{60,100}"),
        _fixed("xai", 4),
    ),
    _KeyRule(
        "sendgrid",
        r"SG\.[A-Za-z0-9_\-]{22}\.",
        re.compile(r"SG\.(?<![A-Za-z0-9_\-].{3})[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"),
        _fixed("sendgrid", 3),
    ),
)

_AWS_SECRET_IN_PROSE: Final = (
    r"(?:\b(?i:(?:aws[ _\-]?)?secret(?:[ _\-]?access)?(?:[ _\-]?key)?(?: (?:is|was))?)"
    r"(?::\s*|\s+)\(?|\b(?:AKIA|ASIA)[A-Z0-9]{16}\s*[/:,|]?\s*)"
    r"([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"
)
"""A 40-character AWS secret access key after words ("The AWS secret key is ...", "secret access
key ...") or right after its access key id ("AKIA... / ..."), where no ``=`` or ``:`` label
precedes it. One pattern, in RE2 and ``re`` syntax alike."""
_AWS_SECRET_IN_PROSE_RE: Final = re.compile(_AWS_SECRET_IN_PROSE)
_MIN_SECRET_DIGITS: Final = 2
"""Forty random base64 characters hold fewer than two digits about one time in a hundred."""

TRIGGERS: Final[tuple[tuple[str, str], ...]] = (
    ("pem", r"-----BEGIN "),
    ("url_credentials", r"://[^\s/@]+:[^\s/@]+@"),
    ("slack_webhook", r"hooks\.slack\.com/services/"),
    (
        "labelled",
        r"(?i:secret|key|token|passw(?:or)?d)[A-Za-z0-9_\-]{0,24}[\"']?\s{0,3}[:=]|(?i:bearer)\s",
    ),
    *(("key." + rule.name, rule.trigger) for rule in _KEY_RULES),
    ("aws_secret_in_prose", _AWS_SECRET_IN_PROSE),
)
"""(name, RE2 pattern) pairs: a family of detectors runs only when its trigger occurs."""

_STRIPE_RULES: Final = {"sk_live": "stripe_secret_live", "sk_test": "stripe_secret_test"}
_STRIPE_RULES_RESTRICTED: Final = {
    "rk_live": "stripe_restricted_live",
    "rk_test": "stripe_restricted_test",
}

# A value after a label such as ``aws_secret_access_key =`` or ``"client_secret": "``.
_LABELLED_SECRET: Final = re.compile(
    r"(?i)(?:(aws_?secret_?access_?key|aws_?secret(?:_?key)?|secret_?access_?key|client_?secret"
    r"|secret_?key|api_?key|apikey|access_?token|auth_?token|secret|token|password|passwd)"
    r"[\"']?\s*[:=]\s*[\"']?|bearer\s+)([A-Za-z0-9/+_\-.=~]{16,256})"
)
_LABEL_WORDS: Final = ("secret", "key", "token", "passw", "bearer")
_LABEL_WORD_OFFSET: Final = len("client_")
"""How far into a label its word may start (``client_secret``, ``access_token``)."""
_LABEL_FIRST_LETTERS: Final = frozenset("abcpst")
"""First letters of the labels (aws, api, access, auth, bearer, client, password, secret ...)."""
_IGNORECASE_EXTRAS: Final = ("\u0130", "\u0131", "\u017f", "\u212a")
"""Characters ``re`` matches case-insensitively to an ASCII letter (İ ı ſ K)."""
_URL_CREDENTIALS: Final = re.compile(
    r"://[^\s/?#@:\"'<>\[\]]{1,128}:([^\s/?#@\"'<>]{1,256})@(?=[A-Za-z0-9\[])"
)
_URL_PASSWORD_PLACEHOLDERS: Final = frozenset(
    {"password", "pass", "passwd", "pwd", "secret", "pw", "changeme", "user", "username"}
)
_PEM_BEGIN: Final = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?)-----")
_PEM_BODY: Final = re.compile(r"(?:[A-Za-z0-9+/=:,\-]|\s|\\[nr])*")
# Lower-case path segments or a file extension: a secret's *location*, not the secret.
_PATH_LIKE: Final = re.compile(r"[a-z0-9_.\-]*(?:/[a-z0-9_.\-]*)+|.*\.[a-z]{1,5}")
_UUID: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_SLACK_WEBHOOK: Final = re.compile(
    r"hooks\.slack\.com/services/(T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{16,32})"
)


def find_secrets(text: str, triggered: frozenset[str] | None = None) -> list[Candidate]:
    """Return every credential candidate in ``text`` (may overlap; the caller resolves).

    Args:
        text: the text to scan.
        triggered: names from ``TRIGGERS`` that occur in ``text``; None runs every detector.
    """

    def wanted(name: str) -> bool:
        return triggered is None or name in triggered

    found = list(_find_private_keys(text)) if wanted("pem") else []
    for key_rule in _KEY_RULES:
        if wanted("key." + key_rule.name):
            found.extend(_find_provider_keys(text, key_rule))
    if wanted("slack_webhook"):
        for match in _SLACK_WEBHOOK.finditer(text):
            found.append(Candidate(API_KEY, "api_key.slack_webhook", *match.span(1)))
    if wanted("url_credentials"):
        found.extend(_find_url_credentials(text))
    if wanted("labelled"):
        found.extend(_find_labelled_secrets(text))
    if wanted("aws_secret_in_prose"):
        for match in _AWS_SECRET_IN_PROSE_RE.finditer(text):
            value = match.group(1)
            # Base64 of 30 random bytes: both cases, unlike a 40-digit hex hash (a git SHA),
            # and digits, unlike a CamelCase name ("OauthProxyCookieSecretForGrafanaStaging").
            mixed_case = value.lower() != value != value.upper()
            digits = sum(char.isdigit() for char in value)
            if mixed_case and digits >= _MIN_SECRET_DIGITS and _is_secret_value(value):
                found.append(Candidate(API_KEY, "api_key.aws_secret_access_key", *match.span(1)))
    return found


def _find_private_keys(text: str) -> Iterator[Candidate]:
    position = text.find("-----BEGIN ")
    while position != -1:
        match = _PEM_BEGIN.match(text, position)
        if match is None:
            position = text.find("-----BEGIN ", position + 11)
            continue
        end_marker = "-----END " + match.group(1) + "-----"
        end = text.find(end_marker, match.end(), match.end() + _PEM_SEARCH_LIMIT)
        if end != -1:
            end += len(end_marker)
        else:  # truncated paste: the key material that is there still leaks
            body = _PEM_BODY.match(text, match.end(), match.end() + _PEM_SEARCH_LIMIT)
            end = len(text[: body.end() if body else match.end()].rstrip())
        kind = match.group(1).replace("PRIVATE KEY", "").replace("BLOCK", "").strip()
        rule = "private_key." + (kind.lower().replace(" ", "_") or "pkcs8")
        yield Candidate(PRIVATE_KEY, rule, position, end)
        position = text.find("-----BEGIN ", end)


def _find_provider_keys(text: str, key_rule: _KeyRule) -> Iterator[Candidate]:
    for match in key_rule.pattern.finditer(text):
        start, end = match.span()
        if not _has_token_boundaries(text, start, end):
            continue
        token = match.group()
        rule = key_rule.classify(token)
        if rule == "stripe":
            prefix = token[:7]
            rule = _STRIPE_RULES.get(prefix) or _STRIPE_RULES_RESTRICTED[prefix]
        if rule is not None:
            yield Candidate(API_KEY, "api_key." + rule, start, end)


def _has_token_boundaries(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return before not in _TOKEN_CHARS and after not in _TOKEN_CHARS


def _find_url_credentials(text: str) -> Iterator[Candidate]:
    for match in _URL_CREDENTIALS.finditer(text):
        password = match.group(1)
        lowered = password.lower()
        if lowered in _URL_PASSWORD_PLACEHOLDERS or looks_like_placeholder(password):
            continue
        yield Candidate(API_KEY, "api_key.url_credentials", match.start(1), match.end(1))


def _find_labelled_secrets(text: str) -> Iterator[Candidate]:
    for match in _labelled_matches(text):
        value = match.group(2).rstrip(".")
        if not _is_secret_value(value):
            continue
        label = (match.group(1) or "").lower().replace("_", "")
        is_aws = len(value) == 40 and ("aws" in label or "accesskey" in label)
        rule = "api_key.aws_secret_access_key" if is_aws else "api_key.labelled_secret"
        yield Candidate(API_KEY, rule, match.start(2), match.start(2) + len(value))


def _labelled_matches(text: str) -> Iterator[re.Match[str]]:
    """Return what ``_LABELLED_SECRET.finditer(text)`` returns, trying it only where it can start.

    The regex starts with a label, case-insensitively, and every label holds one of
    :data:`_LABEL_WORDS` within its first eight characters: a search that tries the long
    case-insensitive alternation at every position costs ~100 ns per character.
    """
    if not text.isascii() and any(char in text for char in _IGNORECASE_EXTRAS):
        yield from _LABELLED_SECRET.finditer(text)
        return
    lowered = text.lower()  # one character for one, once those four are ruled out
    starts: set[int] = set()
    for word in _LABEL_WORDS:
        at = lowered.find(word)
        while at != -1:
            starts.update(
                start
                for start in range(max(0, at - _LABEL_WORD_OFFSET), at + 1)
                if lowered[start] in _LABEL_FIRST_LETTERS
            )
            at = lowered.find(word, at + 1)
    position = 0
    for start in sorted(starts):
        if start >= position and (match := _LABELLED_SECRET.match(text, start)) is not None:
            yield match
            position = match.end()


def _is_secret_value(value: str) -> bool:
    """A labelled value counts as a secret when it is random-looking, not a path or an id."""
    if value[0] in "/~." or _PATH_LIKE.fullmatch(value) or looks_like_placeholder(value):
        return False
    if _UUID.fullmatch(value):
        return False
    if has_mixed_classes(value):
        return shannon_entropy(value) >= 3.5
    is_hex_like = value.isalnum() and value.lower() == value and len(value) >= 32
    return is_hex_like and has_digit_and_letter(value) and shannon_entropy(value) >= 3.5


def has_digit_and_letter(value: str) -> bool:
    """Return True when ``value`` contains at least one digit and one letter."""
    return any(char.isdigit() for char in value) and any(char.isalpha() for char in value)
