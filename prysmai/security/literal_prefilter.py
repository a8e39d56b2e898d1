"""Run a regex only where its trigger words occur: a literal prefilter for sets of RE2 patterns.

Each pattern is analysed once for its *required literals*: sets of strings such that every
match contains one string of each set (``ignore (?:all|the) rules`` needs ``ignore``, ``rules``
and one of ``all`` / ``the``). All literals go into one automaton; one pass over a text finds
which are present, and only the patterns with every set satisfied are candidates, to be
confirmed by their own RE2 regex.

Why not RE2's own sets: they build their automaton lazily, as texts arrive, and each text never
seen before builds new states, which measured 0.2-0.7 ms per fresh kilobyte for the rule sets
here. The literal automaton is compiled once (Hyperscan: under 0.1 s), and a pass costs the
same on any text: about 5-8 µs per kilobyte with Hyperscan, about 100 µs with pyahocorasick,
the fallback where Hyperscan has no wheel.

The analysis is conservative: a construct it does not model contributes no literal (a class,
``.``, a Unicode class, an optional part), and a pattern with no required literal is a candidate for
every text. A prefilter can therefore only let through too much, never too little.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Final, Protocol

import ahocorasick

try:  # no wheel for some platforms (Linux on ARM): pyahocorasick does the job there
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform
    hyperscan = None  # type: ignore[assignment]

MAX_EXACT_STRINGS: Final = 32
"""Largest set of exact strings tracked for a piece of pattern (``(?:a|b)(?:c|d)`` has 4)."""
MAX_SMALL_CLASS: Final = 4
"""A character class of at most this many single characters counts as their alternation."""

_PLAIN_RUN: Final = re.compile(r"[^\\()\[\]|*+?{}.^$]+")
_QUANTIFIER_STARTS: Final = frozenset("*+?{")
_OCTAL_DIGITS: Final = frozenset("01234567")
_ESCAPED_CHARS: Final = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_CLASS_ESCAPES: Final = frozenset("dDwWsSpPC")
_ZERO_WIDTH_ESCAPES: Final = frozenset("bBAz")


class PatternSyntaxError(ValueError):
    """The pattern is not well formed (unbalanced parentheses or brackets)."""


Conjunction = tuple[frozenset[str], ...]
"""Sets of strings such that a match contains one string of *each* set; empty: no condition."""
Requirement = tuple[Conjunction, ...]
"""Alternatives: a match satisfies at least one conjunction."""

MAX_CLAUSES: Final = 4
"""Sets kept per conjunction: enough to be selective, few enough to check cheaply."""
MAX_ALTERNATIVES: Final = 24
"""Conjunctions kept per piece of pattern; beyond it they are merged into one (weaker) set."""
_NOTHING: Final[Requirement] = ((),)


@dataclass(frozen=True, slots=True)
class _Info:
    """What is known of a piece of pattern."""

    exact: frozenset[str] | None
    """Every string the piece can match, when that set is small; else None."""
    required: Requirement
    """What every match of the piece contains (:data:`_NOTHING` when nothing is known)."""
    ends_word: bool = False
    """A word may start right after any match: the match ends with a character outside
    ``[a-z0-9]``, or is an anchor (``^``, ``\\b``) that puts the text's start or such a
    character before what follows."""


_EMPTY: Final = _Info(frozenset({""}), _NOTHING)
_ANCHOR: Final = _Info(frozenset({""}), _NOTHING, ends_word=True)
_UNKNOWN: Final = _Info(None, _NOTHING)
WORD_START: Final = "\udfff"
"""Prefix of a literal that must start a word: the text's start or a character outside
``[a-z0-9]`` comes right before it. A lone surrogate, which no pattern RE2 accepts can hold,
so it never collides with a character of a literal."""
_WORD_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
MAX_MARKED_CHARS: Final = 4
"""Only short literals are marked as word starts: "ban" or "tu" occur inside many words, while
longer ones rarely do (marking literals of up to 30 characters left the candidates of 237
fresh prompts at 2.25 instead of 2.35 a text, and the time the same)."""


def required_literals(pattern: str) -> Requirement:
    """Return what every match of ``pattern`` contains, as alternatives of conjunctions.

    ``how (?:to|do i) (?:make|cook) meth`` needs ``how``, one of ``to`` / ``do i``, one of
    ``make`` / ``cook``, and ``meth`` (one conjunction, its :data:`MAX_CLAUSES` most selective
    sets kept); ``bomb making|buy a gun`` needs ``bomb making`` or ``buy a gun`` (two).

    Args:
        pattern: An RE2 pattern, case-sensitive (the prefilter compares exact characters).

    Returns:
        The conjunctions; empty when the analysis finds nothing required.

    Raises:
        PatternSyntaxError: Unbalanced parentheses or brackets.
    """
    parser = _Parser(pattern)
    info = parser.alternation()
    if parser.position != len(pattern):
        raise PatternSyntaxError(f"unbalanced ')' at {parser.position} in {pattern[:60]!r}")
    requirement = _requirement_of(info)
    return () if any(not conjunction for conjunction in requirement) else requirement


def _requirement_of(info: _Info) -> Requirement:
    exact = _usable(info.exact)
    return ((exact,),) if exact is not None else info.required


def _trim(sets: Iterable[frozenset[str] | None]) -> Conjunction:
    usable = {usable for usable in map(_usable, sets) if usable is not None}
    return tuple(sorted(usable, key=_strength, reverse=True)[:MAX_CLAUSES])


def _merged(requirement: Requirement) -> Conjunction:
    """One conjunction implied by every alternative: the union of their strongest sets."""
    if len(requirement) == 1:
        return requirement[0]
    if any(not conjunction for conjunction in requirement):
        return ()
    return (frozenset().union(*(max(c, key=_strength) for c in requirement)),)


def _either(requirements: Sequence[Requirement]) -> Requirement:
    alternatives = tuple(conjunction for r in requirements for conjunction in r)
    if any(not conjunction for conjunction in alternatives):
        return _NOTHING
    if len(alternatives) > MAX_ALTERNATIVES:
        return (_merged(alternatives),)
    return tuple(dict.fromkeys(alternatives))


def _both(left: Requirement, right: Requirement) -> Requirement:
    if right == _NOTHING:
        return left
    if left == _NOTHING:
        return right
    if len(left) * len(right) > MAX_ALTERNATIVES:
        left, right = (_merged(left),), (_merged(right),)
    return tuple(dict.fromkeys(_trim([*a, *b]) for a in left for b in right))


def _at_word_start(strings: frozenset[str] | None, starts_word: bool) -> frozenset[str] | None:
    """Mark the strings that begin with a letter or digit as starting a word, if they do."""
    if strings is None or not starts_word:
        return strings
    return frozenset(
        WORD_START + string
        if string[:1] in _WORD_CHARS and len(string) <= MAX_MARKED_CHARS
        else string
        for string in strings
    )


def _usable(strings: frozenset[str] | None) -> frozenset[str] | None:
    """A set holding the empty string requires nothing."""
    if strings is None or "" in strings:
        return None
    return strings


@functools.lru_cache(maxsize=8192)  # the analysis ranks the same sets many times
def _strength(strings: frozenset[str]) -> tuple[int, int, tuple[str, ...]]:
    """Rank required sets: the longer their shortest string, then the fewer strings, the better.

    Equal ranks are broken by content, so that the choice never depends on set order.
    """
    return (min(map(len, strings)), -len(strings), tuple(sorted(strings)))


class _Parser:
    """Recursive descent over the subset of RE2 syntax that matters for literals."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.position = 0

    def _peek(self) -> str:
        return self.pattern[self.position] if self.position < len(self.pattern) else ""

    def alternation(self, after_word_end: bool = False) -> _Info:
        """Parse alternatives; ``after_word_end``: a word may start where they begin."""
        branches = [self._concatenation(after_word_end)]
        while self._peek() == "|":
            self.position += 1
            branches.append(self._concatenation(after_word_end))
        if len(branches) == 1:
            return branches[0]
        ends_word = all(branch.ends_word for branch in branches)
        exact: frozenset[str] | None = None
        if all(branch.exact is not None for branch in branches):
            union = frozenset().union(*(branch.exact or () for branch in branches))
            exact = union if len(union) <= MAX_EXACT_STRINGS else None
        if exact is not None:  # the exact strings say all there is to say
            return _Info(exact, _NOTHING, ends_word)
        requirement = _either([_requirement_of(branch) for branch in branches])
        return _Info(None, requirement, ends_word)

    def _concatenation(self, after_word_end: bool) -> _Info:
        run: frozenset[str] | None = frozenset({""})
        run_starts_word = after_word_end  # a word may start where the current run starts
        previous_ends_word = after_word_end
        required: Requirement = _NOTHING
        whole = True  # every piece so far was exact and their product stayed small
        while self._peek() not in ("", "|", ")"):
            piece = self._literal_run() or self._quantified(self._atom(previous_ends_word))
            if piece.exact is not None and run is not None:
                product = frozenset(a + b for a, b in itertools.product(run, piece.exact))
                if len(product) <= MAX_EXACT_STRINGS:
                    run = product
                    previous_ends_word = piece.ends_word
                    continue
            # The run of exact pieces ends here: what it matched is one required choice.
            whole = False
            required = _both(required, ((_trim([_at_word_start(run, run_starts_word)]),)))
            required = _both(required, piece.required)
            run, run_starts_word = piece.exact, previous_ends_word
            previous_ends_word = piece.ends_word
        if whole:
            return _Info(run, _NOTHING, previous_ends_word)
        last = _trim([_at_word_start(run, run_starts_word)])
        return _Info(None, _both(required, (last,)), previous_ends_word)

    def _literal_run(self) -> _Info | None:
        """Consume plain characters in one step (most of a rule is words): an exact string.

        The character before a quantifier is left to :meth:`_atom`, since the quantifier
        applies to it alone.
        """
        match = _PLAIN_RUN.match(self.pattern, self.position)
        if match is None:
            return None
        end = match.end()
        if self.pattern[end : end + 1] in _QUANTIFIER_STARTS:
            end -= 1
        if end <= self.position:
            return None
        text = self.pattern[self.position : end]
        self.position = end
        return _Info(frozenset({text}), _NOTHING, text[-1] not in _WORD_CHARS)

    def _quantified(self, atom: _Info) -> _Info:
        char = self._peek()
        if char in ("*", "?"):
            self.position += 1
            self._skip_lazy()
            optional = atom.exact | {""} if (char == "?" and atom.exact is not None) else None
            return _Info(optional, _NOTHING)
        if char == "+":
            self.position += 1
            self._skip_lazy()
            return _Info(None, _requirement_of(atom), atom.ends_word)
        if char == "{":
            bounds = self._bounds()
            if bounds is None:  # a literal brace: an atom of its own, read next
                return atom
            self._skip_lazy()
            low, high = bounds
            if low == 0:
                return _Info(None, _NOTHING)
            if low == high == 1:
                return atom
            return _Info(None, _requirement_of(atom), atom.ends_word)
        return atom

    def _bounds(self) -> tuple[int, int | None] | None:
        end = self.pattern.find("}", self.position)
        if end < 0:
            return None
        body = self.pattern[self.position + 1 : end]
        low, comma, high = body.partition(",")
        if not _is_number(low) or (high and not _is_number(high)):
            return None
        self.position = end + 1
        if not comma:
            return int(low), int(low)
        return int(low), (int(high) if high else None)

    def _skip_lazy(self) -> None:
        if self._peek() == "?":
            self.position += 1

    def _atom(self, after_word_end: bool) -> _Info:
        char = self._peek()
        self.position += 1
        if char == "(":
            flags_only = self._group_prefix()
            inner = self.alternation(after_word_end)
            if self._peek() != ")":
                raise PatternSyntaxError(f"unclosed '(' in {self.pattern[:60]!r}")
            self.position += 1
            if flags_only and self._peek() in _QUANTIFIER_STARTS:
                # RE2 applies a quantifier after "(?s)" to the atom before it.
                raise _Unmodelled
            return inner
        if char == "[":
            return self._class()
        if char == "\\":
            return self._escape()
        if char in ("^", "$"):
            return _ANCHOR
        if char == ".":
            return _UNKNOWN
        return _Info(frozenset({char}), _NOTHING, char not in _WORD_CHARS)

    def _group_prefix(self) -> bool:
        """Skip ``?:``, ``?P<name>``, ``?<name>`` and inline flags such as ``?s:``.

        Returns:
            True for a group of flags alone, such as ``(?s)``.
        """
        if self._peek() != "?":
            return False
        if self.pattern.startswith("?P<", self.position) or self.pattern.startswith(
            "?<", self.position
        ):
            self.position = self.pattern.index(">", self.position) + 1
            return False
        end = self.position + 1
        while end < len(self.pattern) and self.pattern[end] not in ":)":
            end += 1
        flags = self.pattern[self.position + 1 : end]
        if "i" in flags:
            raise _Unmodelled  # case-insensitive pieces
        with_colon = self.pattern[end : end + 1] == ":"
        self.position = end + 1 if with_colon else end
        return not with_colon

    def _escape(self) -> _Info:
        char = self._peek()
        self.position += 1
        if char in _CLASS_ESCAPES:
            if char in "pP" and self._peek() == "{":
                self.position = self.pattern.index("}", self.position) + 1
            elif char in "pP":
                self.position += 1
            return _UNKNOWN
        if char in _ZERO_WIDTH_ESCAPES:
            return _EMPTY if char == "B" else _ANCHOR
        if char == "Q":  # \Q...\E quotes its text literally
            end = self.pattern.find("\\E", self.position)
            end = len(self.pattern) if end < 0 else end
            quoted = self.pattern[self.position : end]
            self.position = min(end + 2, len(self.pattern))
            if self._peek() in _QUANTIFIER_STARTS:
                raise _Unmodelled  # the quantifier applies to the last quoted character only
            return _Info(frozenset({quoted}), _NOTHING, quoted[-1:] not in _WORD_CHARS)
        if char.isdigit():  # an octal character code: not modelled, requires nothing
            while self._peek() in _OCTAL_DIGITS:
                self.position += 1
            return _UNKNOWN
        if char == "x":
            decoded = self._hex_char()
            return _Info(frozenset({decoded}), _NOTHING, decoded not in _WORD_CHARS)
        decoded = _ESCAPED_CHARS.get(char, char)
        return _Info(frozenset({decoded}), _NOTHING, decoded not in _WORD_CHARS)

    def _hex_char(self) -> str:
        if self._peek() == "{":
            end = self.pattern.index("}", self.position)
            code = self.pattern[self.position + 1 : end]
            self.position = end + 1
        else:
            code = self.pattern[self.position : self.position + 2]
            self.position += 2
        value = int(code, 16)
        if 0xD800 <= value <= 0xDFFF:
            raise _Unmodelled  # a surrogate: RE2 refuses it, and it would look like the mark
        return chr(value)

    def _class(self) -> _Info:
        """A class of a few plain characters is their alternation; any other is unknown."""
        start = self.position
        members: list[str] = []
        plain = True
        if self._peek() == "^":
            plain = False
            self.position += 1
        first = True
        while True:
            char = self._peek()
            if char == "":
                raise PatternSyntaxError(f"unclosed '[' in {self.pattern[:60]!r}")
            self.position += 1
            if char == "]" and not first:
                break
            first = False
            if char == "\\":
                escaped = self._peek()
                self.position += 1
                if escaped == "Q" or escaped.isdigit():
                    raise _Unmodelled
                if escaped in _CLASS_ESCAPES or escaped == "x":
                    plain = False
                    if escaped in "pP" and self._peek() == "{":
                        self.position = self.pattern.index("}", self.position) + 1
                    elif escaped == "x":
                        self._hex_char()
                    elif escaped in "pP":
                        self.position += 1
                    continue
                members.append(_ESCAPED_CHARS.get(escaped, escaped))
            elif char == "[" and self._peek() == ":":  # a POSIX class such as [:alpha:]
                plain = False
                self.position = self.pattern.index(":]", self.position) + 2
            elif char == "-" and members and self._peek() != "]":
                plain = False
            else:
                members.append(char)
        body = self.pattern[start : self.position - 1]
        if plain and self.position - start > 1 and len(members) <= MAX_SMALL_CLASS:
            return _Info(frozenset(members), _NOTHING, _WORD_CHARS.isdisjoint(members))
        # "[^a-z0-9]" and its like never match [a-z0-9]. Only bodies that open with both ranges
        # count: elsewhere a "-" before "a-z" would make another range ("[^_-a-z0-9]").
        ends_word = body.startswith(("^a-z0-9", "^0-9a-z"))
        return _Info(None, _NOTHING, ends_word)


class _Unmodelled(Exception):
    """Raised inside the analysis: the pattern has a construct it does not model.

    A case-insensitive part, a quantified flag group, an octal escape inside a class.
    """


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _requirement_or_nothing(pattern: str) -> Requirement:
    """Return the pattern's requirement, or nothing where the analysis cannot read it.

    A pattern with no requirement is a candidate for every text, so a pattern RE2 accepts
    never makes the prefilter fail.
    """
    if WORD_START in pattern:
        return ()  # not a pattern RE2 accepts, and it would collide with the mark
    try:
        requirement = required_literals(pattern)
    except (_Unmodelled, PatternSyntaxError, ValueError, IndexError, RecursionError):
        return ()
    if any("\x00" in literal for c in requirement for strings in c for literal in strings):
        return ()  # Hyperscan's Python binding ends literals at a NUL
    return requirement


class CandidateSet:
    """Finds the patterns that may match a text, by their required literals.

    Thread-safe after construction: the automaton is only read (Hyperscan's scratch space is
    kept per thread).

    Args:
        patterns: RE2 patterns; a candidate's index is its position here.
        engine: ``"hyperscan"``, ``"aho-corasick"``, or ``"auto"`` (Hyperscan where it is
            installed; it has no wheel for some platforms, such as Linux on ARM).
    """

    def __init__(self, patterns: Sequence[str], *, engine: str = "auto") -> None:
        # Each conjunction of each pattern is a *slot*, and each of its sets a *clause* with an
        # id of its own. Per literal, a precomputed set: the slots whose first (most selective)
        # clause it satisfies; per slot, the literals of each of its other clauses. A text's
        # candidates are then one C-level union, and per slot whose first clause is met one
        # disjointness test per other clause against the literals present.
        clause_literals: list[frozenset[str]] = []
        slot_clauses: list[frozenset[int]] = []
        slot_pattern: list[int] = []
        always: list[int] = []
        for index, pattern in enumerate(patterns):
            requirement = _requirement_or_nothing(pattern)
            if not requirement:
                always.append(index)
                continue
            for conjunction in requirement:
                first = len(clause_literals)
                clause_literals.extend(conjunction)
                slot_clauses.append(frozenset(range(first, len(clause_literals))))
                slot_pattern.append(index)
        numbers: dict[str, int] = {}
        clause_numbers: list[frozenset[int]] = []
        leads: list[set[int]] = []
        first_clause = {min(clauses): slot for slot, clauses in enumerate(slot_clauses)}
        for clause, strings in enumerate(clause_literals):
            for literal in sorted(strings):
                if literal not in numbers:
                    numbers[literal] = len(numbers)
                    leads.append(set())
                number = numbers[literal]
                if clause in first_clause:
                    leads[number].add(first_clause[clause])
            clause_numbers.append(frozenset(numbers[literal] for literal in strings))
        self._always = frozenset(always)
        self._slot_pattern = tuple(slot_pattern)
        # Per slot, the literal numbers of each clause but the first, which a slot reached
        # through _leads has met already.
        self._slot_rest = tuple(
            tuple(clause_numbers[clause] for clause in sorted(clauses)[1:])
            for clauses in slot_clauses
        )
        self._leads = tuple(map(frozenset, leads))
        self._finder = literal_finder(list(numbers), engine) if numbers else None

    @property
    def always(self) -> frozenset[int]:
        """Indices of the patterns with no required literal: candidates for every text."""
        return self._always

    @property
    def engine(self) -> str:
        """The engine that finds the literals: ``hyperscan`` or ``aho-corasick``."""
        return self._finder.name if self._finder is not None else "none"

    def candidates(self, text: str) -> list[int]:
        """Return, in ascending order, the indices of the patterns that may match ``text``."""
        if self._finder is None or not text:
            return sorted(self._always)
        present = self._finder.present(text)
        if not present:
            return sorted(self._always)
        slots: set[int] = set().union(*map(self._leads.__getitem__, present))
        if not slots:
            return sorted(self._always)
        rest, pattern_of, absent = self._slot_rest, self._slot_pattern, present.isdisjoint
        found = set(self._always)
        for slot in slots:
            for clause in rest[slot]:
                if absent(clause):  # no literal of this clause occurs
                    break
            else:
                found.add(pattern_of[slot])
        return sorted(found)


class LiteralSet:
    """A fixed set of literals, and which of them occur in a text. Thread-safe.

    Args:
        literals: The strings to look for.
    """

    def __init__(self, literals: Iterable[str]) -> None:
        self._literals = tuple(sorted(set(literals)))
        self._finder = literal_finder(list(self._literals)) if self._literals else None

    def found_in(self, text: str) -> set[str]:
        """Return the literals that occur in ``text``."""
        if self._finder is None:
            return set()
        return set(map(self._literals.__getitem__, self._finder.present(text)))


class LiteralFinder(Protocol):
    """Finds which of a fixed list of literals occur in a text."""

    name: str

    def present(self, text: str) -> set[int]:
        """Return the positions, in the list, of the literals that occur in ``text``."""
        ...


def literal_finder(literals: list[str], engine: str = "auto") -> LiteralFinder:
    """Build a finder for ``literals`` (a literal may be marked with :data:`WORD_START`).

    Args:
        literals: The strings to look for.
        engine: ``"hyperscan"``, ``"aho-corasick"`` or ``"auto"`` (Hyperscan where installed).
    """
    if engine not in ("auto", "hyperscan", "aho-corasick"):
        raise ValueError(f"unknown literal engine {engine!r}")
    if engine == "hyperscan" or (engine == "auto" and hyperscan is not None):
        if hyperscan is None:
            raise ImportError("the hyperscan package is not installed")
        return _HyperscanFinder(literals)
    return _AhoCorasickFinder(literals)


class _HyperscanFinder:
    """Hyperscan over UTF-8 bytes, each literal reported once per text.

    Literals go to up to three databases, each scanned once per text. Hyperscan's literal
    matcher is several times quicker than its regex engine, so only what it cannot express
    goes to a regex database:

    * plain literals, matched as they are;
    * word-start literals, matched as literals in a *squeezed* copy of the text where every
      byte outside ``[a-z0-9]`` is a space and one space leads: " lit" then occurs exactly
      where the literal starts a word, or where it would with different punctuation inside it
      ("i'm" against "i-m"), which only lets a pattern through to its own regex;
    * the rest as regexes: word-start literals with no letter or digit left once squeezed or
      with non-ASCII characters (squeezed to spaces, they would be found in any gap), and
      literals holding a NUL, at which the Python binding ends a literal;
    * plain literals of one byte in no database: ``byte in data`` finds exactly the same ones.
    """

    name = "hyperscan"

    def __init__(self, literals: list[str]) -> None:
        assert hyperscan is not None
        # Byte patterns: UTF-8 is self-synchronising, so a literal's bytes occur in a text's
        # bytes exactly where the literal occurs in the text, and every byte of a non-ASCII
        # character lies outside [a-z0-9], as the character does.
        plain: list[tuple[bytes, int]] = []
        squeezed: list[tuple[bytes, int]] = []
        regexes: list[tuple[bytes, int]] = []
        single_bytes: list[tuple[bytes, int]] = []
        for number, literal in enumerate(literals):
            body = literal.removeprefix(WORD_START).encode("utf-8", "surrogatepass")
            if b"\x00" in body:
                regexes.append((_byte_pattern(literal), number))
            elif not literal.startswith(WORD_START) and len(body) == 1:
                single_bytes.append((body, number))
            elif not literal.startswith(WORD_START):
                plain.append((body, number))
            elif body.isascii() and body.translate(_SQUEEZE).strip():
                squeezed.append((b" " + body.translate(_SQUEEZE), number))
            else:
                regexes.append((_byte_pattern(literal), number))
        self._databases = tuple(
            (_compiled(entries, literal=is_literal), is_squeezed)
            for entries, is_literal, is_squeezed in (
                (plain, True, False),
                (squeezed, True, True),
                (regexes, False, False),
            )
            if entries
        )
        # Single characters (":", "-", "=") are looked up with ``in`` (memchr): in the literal
        # database they slowed every pass by about half, its filter matching at most bytes.
        self._single_bytes = tuple(single_bytes)
        self._prototypes = tuple(hyperscan.Scratch(database) for database, _ in self._databases)
        self._local = threading.local()

    def _scratches(self) -> list[Any]:
        # Scratch space is per database and per thread; clones are cheap and made once a thread.
        scratches: list[Any] | None = getattr(self._local, "scratches", None)
        if scratches is None:
            scratches = [prototype.clone() for prototype in self._prototypes]
            self._local.scratches = scratches
        return scratches

    def present(self, text: str) -> set[int]:
        found: set[int] = set()
        add = found.add

        def on_match(number: int, _start: int, _end: int, _flags: int, _context: object) -> None:
            add(number)

        data = text.encode("utf-8", "surrogatepass")
        for (database, is_squeezed), scratch in zip(
            self._databases, self._scratches(), strict=True
        ):
            subject = b" " + data.translate(_SQUEEZE) if is_squeezed else data
            database.scan(subject, match_event_handler=on_match, scratch=scratch)
        for byte, number in self._single_bytes:
            if byte in data:
                add(number)
        return found


_SQUEEZE: Final = bytes(
    code if chr(code) in "abcdefghijklmnopqrstuvwxyz0123456789" else 0x20 for code in range(256)
)
"""Byte table: [a-z0-9] stay, every other byte becomes a space."""


def _compiled(entries: list[tuple[bytes, int]], *, literal: bool) -> Any:
    assert hyperscan is not None
    database = hyperscan.Database()
    database.compile(
        expressions=[expression for expression, _ in entries],
        ids=[number for _, number in entries],
        elements=len(entries),
        flags=hyperscan.HS_FLAG_SINGLEMATCH,
        literal=literal,
    )
    return database


def _byte_pattern(literal: str) -> bytes:
    """The Hyperscan pattern of a literal: its bytes, escaped, after a word start if marked."""
    prefix = ""
    if literal.startswith(WORD_START):
        prefix, literal = "(?:^|[^a-z0-9])", literal[len(WORD_START) :]
    body = "".join(f"\\x{byte:02x}" for byte in literal.encode("utf-8", "surrogatepass"))
    return (prefix + body).encode("ascii")


class _AhoCorasickFinder:
    """pyahocorasick's automaton over the text's characters (slower: about 0.1 µs a char).

    Word starts are not checked here: a marked literal is found wherever it occurs, which
    lets more patterns through, never fewer.
    """

    name = "aho-corasick"

    def __init__(self, literals: list[str]) -> None:
        numbers: dict[str, list[int]] = {}
        for number, literal in enumerate(literals):
            numbers.setdefault(literal.removeprefix(WORD_START), []).append(number)
        self._automaton = ahocorasick.Automaton()
        for plain, owners in numbers.items():
            self._automaton.add_word(plain, tuple(owners))
        self._automaton.make_automaton()

    def present(self, text: str) -> set[int]:
        return set().union(*map(_VALUE, self._automaton.iter(text)))


_VALUE: Final = itemgetter(1)
