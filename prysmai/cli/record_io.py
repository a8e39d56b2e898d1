r"""Input and output for ``prysmai scan`` and ``prysmai redact``: lines, blocks, JSON records.

Files are read as bytes, line by line, in constant memory. Each line is decoded as UTF-8; a line
that is not valid UTF-8 is decoded with ``surrogateescape`` so its bytes pass through unchanged
and is counted, so the command can say so. JSON Lines records are addressed by dotted field
paths (``messages.0.content``).

Output is written as UTF-8 bytes: surrogate-escaped bytes go back out as they came in, and any
other lone surrogate (from a JSON escape such as ``"\ud800"``) is written as a ``\uXXXX``
escape, so writing never fails and JSON stays valid.
"""

from __future__ import annotations

import contextlib
import decimal
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from prysmai.cli.common import UsageError
from prysmai.security.pii import detect_pii, might_contain_pii

BLOCK_CHARS: Final = 16_384
"""Plain text is scanned in blocks of whole lines of at least this size, so that a cue on one
line ("Phone:") still applies to a value on the next. A block ends at a blank line, where no
phrase the scanners read continues, once it has this size."""
MAX_BLOCK_CHARS: Final = 65_536
"""Text without blank lines (logs, one long paragraph) is cut at the end of a line here."""
PEM_HOLD_CHARS: Final = 262_144
"""A block is not cut inside a PEM key (``BEGIN`` seen, ``END`` not yet) below this size."""
_BINARY_PROBE_BYTES: Final = 8192
_PROGRESS_EVERY_BYTES: Final = 1 << 20
_JSON_SUFFIXES: Final = (".jsonl", ".ndjson", ".jsonlines")
_ESCAPED: Final = re.compile("[\udc80-\udcff]")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_NOT_ESCAPED_SURROGATE: Final = re.compile("[\ud800-\udc7f\udd00-\udfff]")


@dataclass(slots=True)
class InputStats:
    """What the reader saw, for the warnings printed at the end."""

    bytes_read: int = 0
    lines: int = 0
    invalid_utf8_lines: int = 0
    is_binary: bool = False
    malformed_json_lines: int = 0
    deep_json_lines: int = 0
    """JSON lines nested too deeply to parse, handled as plain text."""
    wide_encoding: str | None = None
    """``UTF-16`` or ``UTF-32`` when the input started with that byte order mark."""


def warn(message: str) -> None:
    """Print one ``Warning: ...`` line on stderr."""
    print(f"Warning: {message}", file=sys.stderr)


def report_input_problems(stats: InputStats) -> None:
    """Warn about binary input, invalid UTF-8 and malformed JSON lines, if any were seen."""
    if stats.wide_encoding:
        warn(f"the input was {stats.wide_encoding}; it was decoded, and output is UTF-8")
    if stats.is_binary:
        warn(
            "the input looks binary (NUL bytes); it was processed as text, so PII stored in a "
            "form this tool does not read (such as UTF-16 of non-Latin text without a byte "
            "order mark) was neither found nor redacted"
        )
    if stats.invalid_utf8_lines:
        warn(
            f"{stats.invalid_utf8_lines} line(s) were not valid UTF-8; their invalid bytes were "
            "kept as they are (surrogate escape)"
        )
    if stats.malformed_json_lines:
        warn(
            f"{stats.malformed_json_lines} line(s) were not valid JSON and were handled as plain "
            "text"
        )
    if stats.deep_json_lines:
        warn(
            f"{stats.deep_json_lines} line(s) were JSON nested too deeply to parse and were "
            "handled as plain text"
        )


@contextlib.contextmanager
def open_input(path: str) -> Iterator[IO[bytes]]:
    """Open a file for binary reading; ``-`` is standard input (left open afterwards)."""
    if path == "-":
        yield sys.stdin.buffer
        return
    with open(path, "rb") as handle:
        yield handle


def check_output_is_not_input(input_path: str, output_path: str | None) -> None:
    """Refuse to write over the input: opening it for writing would empty it before reading.

    Compares the files themselves (device and inode), so ``./FILE``, a symlink or a hard link
    to the input are caught too, as is standard output redirected onto the input file.

    Raises:
        UsageError: the output is the same regular file as the input.
    """
    source = _file_status(input_path, sys.stdin)
    target = _file_status(output_path, sys.stdout)
    if source is None or target is None or not stat.S_ISREG(target.st_mode):
        return
    if (source.st_dev, source.st_ino) == (target.st_dev, target.st_ino):
        shown = "standard output" if output_path in (None, "-") else output_path
        raise UsageError(f"output is the input file ({shown})")


def _file_status(path: str | None, standard: IO[str]) -> os.stat_result | None:
    """``stat`` of a path, or of the standard stream for ``-``; None when there is none."""
    try:
        if path is None or path == "-":
            return os.fstat(standard.fileno())
        return os.stat(path)
    except (OSError, ValueError, AttributeError):  # absent file, or a stream without a descriptor
        return None


def encode_output(text: str) -> bytes:
    """Encode ``text`` as UTF-8 for writing (see the module doc for surrogates)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return _NOT_ESCAPED_SURROGATE.sub(_json_escape, text).encode("utf-8", "surrogateescape")


def escape_surrogates(text: str) -> str:
    r"""Replace every surrogate in serialised JSON ``text`` by its ``\uXXXX`` escape.

    A surrogate can only stand inside a JSON string, where the escape means the same thing.
    """
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub(_json_escape, text)


def replace_surrogates(text: str) -> str:
    """Replace every surrogate by U+FFFD, keeping every other character at its offset."""
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


class TextSink:
    """Writes text to a binary stream, keeping surrogate-escaped bytes as they were read."""

    def __init__(self, stream: IO[bytes] | None) -> None:
        self._stream = stream

    def write(self, text: str) -> None:
        """Write ``text``; bytes that could not be decoded on input are written back unchanged."""
        if self._stream is None:  # a text-only stdout (an embedding application or a test)
            sys.stdout.write(encode_output(text).decode("utf-8", "replace"))
            return
        self._stream.write(encode_output(text))


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[TextSink]:
    """Open the output: a file, or standard output when ``path`` is None or ``-``."""
    if path is None or path == "-":
        stream = getattr(sys.stdout, "buffer", None)
        sys.stdout.flush()
        try:
            yield TextSink(stream)
        finally:
            if stream is not None:
                stream.flush()
        return
    with open(path, "wb") as handle:
        yield TextSink(handle)


def read_lines(stream: IO[bytes], stats: InputStats) -> Iterator[str]:
    """Yield decoded lines (with their line endings) and count what was read.

    Input is UTF-8; a UTF-8 byte order mark is dropped, and a file that starts with a UTF-16 or
    UTF-32 byte order mark (as Windows tools write), or that looks like UTF-16 of mostly Latin
    text without one, is decoded as such instead of being read as binary. Output is always
    UTF-8.
    """
    peek = getattr(stream, "peek", None)
    start = peek(_WIDE_PROBE_BYTES)[:_WIDE_PROBE_BYTES] if peek is not None else b""
    if start.startswith(_UTF32_MARKS):
        yield from _read_wide_lines(stream, stats, "utf-32")
        return
    if start.startswith(_UTF16_MARKS):
        yield from _read_wide_lines(stream, stats, "utf-16")
        return
    unmarked = _unmarked_utf16(start)
    if unmarked is not None:
        yield from _read_wide_lines(stream, stats, unmarked)
        return
    for raw in stream:
        if stats.lines == 0:
            if raw.startswith(_UTF8_MARK):
                stats.bytes_read += len(_UTF8_MARK)
                raw = raw[len(_UTF8_MARK) :]
            if b"\x00" in raw[:_BINARY_PROBE_BYTES]:
                stats.is_binary = True
        stats.bytes_read += len(raw)
        stats.lines += 1
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            stats.invalid_utf8_lines += 1
            yield raw.decode("utf-8", "surrogateescape")


_UTF8_MARK: Final = b"\xef\xbb\xbf"
_UTF16_MARKS: Final = (b"\xff\xfe", b"\xfe\xff")
_UTF32_MARKS: Final = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


_WIDE_PROBE_BYTES: Final = 256


def _unmarked_utf16(start: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for UTF-16 text written without a byte order mark.

    Text of mostly Latin characters in UTF-16 has a NUL as every other byte (the high byte of
    each character) and none in between; binary data and UTF-8 do not look like that.
    Text of other scripts is not recognised this way and is read as binary.
    """
    probe = start[: len(start) - len(start) % 2]
    if len(probe) < _MIN_UTF16_PROBE:
        return None
    even, odd = probe[0::2], probe[1::2]
    for encoding, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if (
            high.count(0) >= _HIGH_NUL_SHARE * len(high)
            and low.count(0) <= _LOW_NUL_SHARE * len(low)
            and _decodes(probe, encoding)
        ):
            return encoding
    return None


def _decodes(probe: bytes, encoding: str) -> bool:
    """Whether the probe reads as text in ``encoding``: it decodes, with few control characters.

    Arrays of small 16-bit numbers have the same NUL pattern as Latin text, but decode to
    control characters and U+0000.
    """
    # The probe may end inside a surrogate pair (an emoji): then its last unit is left out.
    for end in (len(probe), len(probe) - 2):
        try:
            text = probe[:end].decode(encoding, "surrogatepass")
        except UnicodeDecodeError:
            continue
        controls = sum(1 for char in text if char in _BINARY_CONTROLS)
        return controls <= _MAX_CONTROL_SHARE * len(text)
    return False


_BINARY_CONTROLS: Final = frozenset(
    chr(code) for code in [*range(0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0)]
)
"""Control characters (C0 but tab, line ends and form feed; DEL; C1) that text hardly holds."""
_MAX_CONTROL_SHARE: Final = 0.02


_MIN_UTF16_PROBE: Final = 8
_HIGH_NUL_SHARE: Final = 0.6
"""Share of high bytes that are NUL: Latin text, with room for emoji and other scripts' words."""
_LOW_NUL_SHARE: Final = 0.15
"""Share of low bytes that may be NUL too (U+0100, U+0300, an emoji's second half)."""


def _read_wide_lines(stream: IO[bytes], stats: InputStats, encoding: str) -> Iterator[str]:
    stats.wide_encoding = encoding.upper()
    width = 4 if encoding == "utf-32" else 2
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    try:
        for line in text:
            stats.bytes_read += width * len(line)
            stats.lines += 1
            yield line
    finally:
        text.detach()  # leave the byte stream (standard input included) to its owner


def has_escaped_bytes(text: str) -> bool:
    """Return True when ``text`` holds bytes kept by the surrogate escape."""
    return _ESCAPED.search(text) is not None


def is_jsonl(path: str, first_line: str | None) -> bool:
    """Guess the input format: a ``.jsonl`` name, or a first line that is a JSON object."""
    if path != "-" and Path(path).suffix.lower() in _JSON_SUFFIXES:
        return True
    if first_line is None or not first_line.lstrip().startswith("{"):
        return False
    try:
        return isinstance(json.loads(first_line), dict)
    except RecursionError:  # an object nested deeper than the parser goes
        return True
    except ValueError:
        return False


def peek_first(lines: Iterator[str]) -> tuple[str | None, Iterator[str]]:
    """Return the first non-blank line and an iterator over all lines (none consumed)."""
    held: list[str] = []
    for line in lines:
        held.append(line)
        if line.strip():
            return line, _chain(held, lines)
    return None, iter(held)


def _chain(held: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from held
    yield from rest


def iter_blocks(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Group lines into blocks; yield (first line number, block).

    A block ends at the first blank line after ``BLOCK_CHARS``, or at the end of a line after
    ``MAX_BLOCK_CHARS``; never inside a PEM private key unless the key grows past
    ``PEM_HOLD_CHARS``.
    """
    parts: list[str] = []
    size = 0
    first = 1
    number = 0
    is_in_pem = False
    for number, line in enumerate(lines, 1):
        parts.append(line)
        size += len(line)
        if "-----BEGIN " in line:
            is_in_pem = True
        if "-----END " in line:
            is_in_pem = "-----BEGIN " in line.rsplit("-----END ", 1)[1]
        if is_in_pem:
            is_full = size >= PEM_HOLD_CHARS
        else:
            is_full = size >= MAX_BLOCK_CHARS or (size >= BLOCK_CHARS and not line.strip())
        if is_full:
            yield first, "".join(parts)
            parts, size, first, is_in_pem = [], 0, number + 1, False
    if parts:
        yield first, "".join(parts)


class JsonObject(list[tuple[str, Any]]):
    """A JSON object as its (key, value) pairs, in order, a key named twice included."""


class JsonNumber(str):
    """A JSON number exactly as written (``1E2``, ``0.30000000000000000001``, ``1e999999``)."""

    __slots__ = ()


def parse_json_faithfully(text: str) -> Any:
    """Parse JSON so that :func:`dump_record` writes it back without losing anything.

    Objects become :class:`JsonObject` (a repeated key keeps both values, where a dict would
    keep one) and numbers :class:`JsonNumber` (no rounding, no ``Infinity`` for ``1e999999``).

    Raises:
        ValueError: not JSON.
        RecursionError: nested about as deeply as the recursion limit.
    """
    return json.loads(
        text,
        object_pairs_hook=JsonObject,
        parse_float=JsonNumber,
        parse_int=JsonNumber,
        parse_constant=JsonNumber,
    )


def dump_record(value: Any) -> str:
    """One line of JSON for a value from :func:`parse_json_faithfully`.

    Raises:
        RecursionError: the value is nested about as deeply as the recursion limit.
    """
    if isinstance(value, JsonNumber):
        return str(value)
    if isinstance(value, JsonObject):
        body = ", ".join(f"{_dump_string(key)}: {dump_record(item)}" for key, item in value)
        return "{" + body + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dump_record(item) for item in value) + "]"
    return _dump_string(value) if isinstance(value, str) else json.dumps(value)


def _dump_string(text: str) -> str:
    # Line readers (str.splitlines, many log tools) break lines at U+0085, U+2028 and U+2029,
    # which JSON leaves unescaped: escaped, a record stays one line.
    return json.dumps(text, ensure_ascii=False).translate(_LINE_BREAK_ESCAPES)


_LINE_BREAK_ESCAPES: Final = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def labelled_fields(value: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """Yield (dotted path, label, text) for every string inside a JSON value.

    Besides string values, object keys that may hold personal data (path ending ``#key``) and
    numbers long enough to be a card, phone or account number (as written) are fields too. A
    key that holds personal data is named by position in paths (``<key 2>``), so that a path
    never prints it. The walk is iterative, in document order, so no nesting depth can exhaust
    the stack.

    The label is what the value's key says it holds, as a scanner's cue (``"phone: "`` for a
    key ``mobileNumber``; see :func:`key_label`), or ``""``: a bare ``4155550134`` is no phone
    number to a scanner, ``phone: 4155550134`` is.
    """
    pending: list[tuple[str, Any, str]] = [(path, value, "")]
    while pending:
        here, node, label = pending.pop()
        if isinstance(node, JsonNumber):
            if _is_long_number(node):
                yield here, label, number_text(node)
        elif isinstance(node, str):
            yield here, label, node
        elif isinstance(node, JsonObject):
            children: list[tuple[str, Any, str]] = []
            for index, (key, item) in enumerate(node):
                segment = path_segment(key, index)
                child = f"{here}.{segment}" if here else segment
                if segment != key:
                    children.append((f"{child}#key", key, ""))
                # Under a cue key, values nested deeper keep the cue ({"phone": {"home": ...}}).
                children.append((child, item, key_label(key) or label))
            children.reverse()  # the stack pops the first child first
            pending.extend(children)
        elif isinstance(node, list):
            items = [
                (f"{here}.{i}" if here else str(i), item, label) for i, item in enumerate(node)
            ]
            items.reverse()
            pending.extend(items)


def key_label(key: str) -> str:
    """The cue a key gives its value (``"phone: "``, ``"SSN: "``, ``"date of birth: "``), or "".

    Keys are read word by word, camelCase and snake_case alike; the key must end with the cue
    word, or with "number" or "date" after it (``mobileNumber``, ``user_dob``, ``birth_date``,
    ``phones``), so ``phone_model``, ``cellCount`` or ``phone_verified_at`` give no cue.
    """
    if len(key) > _MAX_LABELLED_KEY:
        return ""
    words = _KEY_WORD_RE.findall(_CAMEL_BOUNDARY_RE.sub(" ", key).lower())
    while len(words) >= 2 and words[-1] in _KEY_TAILS:
        words.pop()
    if not words:
        return ""
    last = words[-1]
    cue = _KEY_CUES.get(last) or _KEY_CUES.get(last.removesuffix("s"))
    return cue + ": " if cue is not None else ""


_KEY_CUES: Final = {
    **dict.fromkeys(
        ("phone", "mobile", "tel", "telephone", "cell", "cellphone", "fax", "whatsapp", "msisdn"),
        "phone",
    ),
    "ssn": "SSN",
    **dict.fromkeys(("dob", "birthday", "birthdate", "birth"), "date of birth"),
}
_KEY_TAILS: Final = frozenset({"number", "numbers", "no", "num", "nr", "date"})
_KEY_WORD_RE: Final = re.compile(r"[a-z]+")
_CAMEL_BOUNDARY_RE: Final = re.compile(r"(?<=[a-z])(?=[A-Z])")
_MAX_LABELLED_KEY: Final = 64


def path_segment(key: str, index: int) -> str:
    """A key as a path segment; one that may hold personal data is named by its position."""
    # The cheap pre-check first; a key is hidden only when it really holds PII ("dob" is a
    # cue word, not personal data).
    return f"<key {index}>" if might_contain_pii(key) and detect_pii(key) else key


def _is_long_number(number: JsonNumber) -> bool:
    """A number of seven digits or more: it may be a phone, card or account number."""
    return sum(char.isdigit() for char in number[:_LONG_NUMBER_SCAN]) >= _LONG_NUMBER_DIGITS


def number_text(number: JsonNumber) -> str:
    """The number as its digits are read: a whole number written as a float loses its fraction.

    ``4111111111111111.0`` and ``4.111111111111111e15`` (how many JSON writers put a large
    integer that passed through a float) read as ``4111111111111111``; anything else is
    returned as written.
    """
    if "." not in number and "e" not in number and "E" not in number:
        return str(number)
    try:
        value = decimal.Decimal(number)
    except decimal.InvalidOperation:
        return str(number)
    if not value.is_finite() or value.adjusted() > _MAX_WHOLE_DIGITS:
        return str(number)
    if value != value.to_integral():
        return str(number)
    return str(int(value))


_MAX_WHOLE_DIGITS: Final = 30
"""Longer than any card, phone or account number; a larger exponent is left as written."""
_LONG_NUMBER_DIGITS: Final = 7
_LONG_NUMBER_SCAN: Final = 64
"""Digits are counted in a number's first characters only (a number may be huge)."""


def select_nodes(value: Any, selector: str) -> list[tuple[str, Any]]:
    """Return (dotted path, value) of every value a selector such as ``messages.*.content`` names.

    ``*`` stands for every item of a list or every value of an object.
    """
    nodes: list[tuple[str, Any]] = [("", value)]
    for part in selector.split("."):
        nodes = [child for path, node in nodes for child in _children(path, node, part)]
    return nodes


def _children(path: str, node: Any, part: str) -> Iterator[tuple[str, Any]]:
    def joined(segment: object) -> str:
        return f"{path}.{segment}" if path else str(segment)

    if isinstance(node, JsonObject):
        for index, (key, item) in enumerate(node):
            if part in ("*", key):
                yield joined(path_segment(key, index)), item
    elif isinstance(node, list):
        if part == "*":
            for index, item in enumerate(node):
                yield joined(index), item
        elif part.lstrip("-").isdigit() and -len(node) <= int(part) < len(node):
            yield joined(int(part) % len(node)), node[int(part)]


def map_strings(value: Any, change: Callable[[str], str], label: str = "") -> tuple[Any, bool]:
    """Apply ``change`` to every string inside a JSON value, keys and long numbers included.

    A number that ``change`` rewrites becomes a string (the placeholder). Objects come back as
    :class:`JsonObject`, so keys that become the same placeholder are all kept. A string or
    number under a key that names what it holds is read after that cue (``label``, from
    :func:`key_label`; it carries into lists and objects below the key).

    Raises:
        RecursionError: the value is nested about as deeply as the recursion limit.

    Returns:
        The new value and whether any string changed; unchanged containers are returned as is.
    """
    if isinstance(value, JsonNumber):
        if not _is_long_number(value):
            return value, False
        # A card or phone number written as a JSON number; its sign is no part of the value.
        return _change_text(value, number_text(value).lstrip("-"), label, change)
    if isinstance(value, str):
        return _change_text(value, value, label, change)
    if isinstance(value, JsonObject):
        changed = False
        result = JsonObject()
        for key, item in value:
            new_key = change(key) if might_contain_pii(key) else key
            new_item, item_changed = map_strings(item, change, key_label(key) or label)
            result.append((new_key, new_item))
            changed = changed or item_changed or new_key != key
        return (result, True) if changed else (value, False)
    if isinstance(value, list):
        pairs = [map_strings(item, change, label) for item in value]
        if any(item_changed for _, item_changed in pairs):
            return [item for item, _ in pairs], True
        return value, False
    return value, False


def _change_text(
    value: str, text: str, label: str, change: Callable[[str], str]
) -> tuple[Any, bool]:
    """Change ``text`` (``value`` as read), after its key's cue when there is one."""
    if label:
        new = change(label + text)
        new = new[len(label) :] if new.startswith(label) else change(text)
    else:
        new = change(text)
    return (new, True) if new != text else (value, False)


class ProgressReporter:
    """A byte-based progress bar on stderr, updated at most once per MiB read."""

    def __init__(self, enabled: bool, total_bytes: int | None) -> None:
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._shown = 0
        if not enabled:
            return
        is_terminal = sys.stderr.isatty()
        # Asked for with --progress while stderr is a file or pipe: draw anyway and keep the
        # final bar, instead of the nothing rich draws for a non-terminal.
        self._progress = Progress(
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr, force_terminal=True if not is_terminal else None),
            transient=is_terminal,
        )
        self._task = self._progress.add_task("redact", total=total_bytes)

    def __enter__(self) -> ProgressReporter:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def finish(self, bytes_read: int) -> None:
        """Move the bar to where reading ended (updates skip the last MiB's worth)."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=bytes_read)
            self._shown = bytes_read

    def update(self, bytes_read: int) -> None:
        """Move the bar to ``bytes_read`` when at least 1 MiB has been read since the last move."""
        if self._progress is None or self._task is None:
            return
        if bytes_read - self._shown >= _PROGRESS_EVERY_BYTES:
            self._progress.update(self._task, completed=bytes_read)
            self._shown = bytes_read


def input_size(path: str) -> int | None:
    """Return the size of an input file, None for standard input or a pipe."""
    if path == "-":
        return None
    try:
        size = Path(path).stat().st_size
    except OSError:
        return None
    return size or None


def should_show_progress(requested: bool) -> bool:
    """Progress is shown with ``--progress``, or by default when stderr is a terminal."""
    return requested or sys.stderr.isatty()
