"""Hand-written benign prompts in 21 languages, split into a training half and a held-out half.

``benchmarks/data/benign_multilingual_{a,b,c}.jsonl`` hold ordinary prompts in 18 languages
other than English, ``benchmarks/data/benign_multilingual_d.jsonl`` English ones (questions,
tasks, documents, stories, security questions ...), ``benign_multilingual_e.jsonl`` short
everyday English chat messages (greetings, requests that mention an e-mail address or phone
number, support messages, "ignore the typo above") and ``benign_multilingual_f.jsonl`` 200
French prompts and 20 in each of Arabic, Vietnamese, Korean, Thai, Chinese, Italian, Javanese,
Swahili and Bengali (the non-English languages of the content-policy dev file, whose rows in
them are nearly all violating): about half ordinary requests, half "harmful-sounding but safe"
ones (kind ``safe_sensitive``: figurative language, technical homonyms such as killing a
process, games and fiction, history lessons, definitions, prevention and first-aid questions,
health education, questions about the law), so that a model must read what is asked rather
than the language. Rows have fields ``text``, ``lang`` and ``kind``. Every one is benign, so
they serve as negatives for the trainers and as a false-positive check. In the ``f`` file,
rows come in consecutive pairs of the same language and kind, so both halves get an equal
share of each. ``benign_multilingual_g.jsonl`` holds 320 opinion questions (160 English, 10 in
each of 16 other languages; kind ``opinion`` about ordinary subjects, ``opinion_sensitive`` in
good faith on heated ones), in pairs like ``f``: the content-policy dev file's opinion questions
are nearly all violating. ``benign_multilingual_h.jsonl`` holds 320 creative and explanatory
requests ("write a poem about black holes", "how does photosynthesis work?"; kinds ``creative``
and ``explain``; 160 English, 10 in each of 16 other languages), in pairs likewise: nothing
trains on them yet, they measure how often the classifiers flag such requests.

The split is by 0-based line index within each file: even lines are the training half, odd
lines the held-out half. Nothing may train on, or choose a threshold with, the held-out half;
it exists to measure how often ordinary text is flagged.

Example:
    >>> rows = load("heldout")
    >>> sorted({row["lang"] for row in rows})[:3]
    ['ar', 'bn', 'de']
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

DATA_DIR: Final = Path(__file__).resolve().parent / "data"
FILES: Final = tuple(DATA_DIR / f"benign_multilingual_{part}.jsonl" for part in "abcdefgh")
FIRST_FILES: Final = FILES[:5]
"""Files a-e. The injection trainer learns from these only: with file f among its negatives its
chosen threshold fell and its false alarms on everyday English rose (6.5% to 10.5%), while f
was written for the content-policy model's language bias. f's held-out half still measures it."""
PARTS: Final = ("train", "heldout", "all")


def load(part: str, files: Sequence[Path] = FILES) -> list[dict[str, Any]]:
    """Return the benign multilingual rows of one part, in file order.

    Args:
        part: ``"train"`` (even line indices), ``"heldout"`` (odd line indices) or ``"all"``.
        files: The files to read (default: all of them).

    Returns:
        Rows with ``text``, ``lang`` and ``kind``, plus ``id`` (file letter and line index,
        e.g. ``"a-12"``), ``label`` 0 and ``split`` (``"train"`` or ``"heldout"``).

    Raises:
        ValueError: ``part`` is not one of :data:`PARTS`.
    """
    if part not in PARTS:
        raise ValueError(f"benign multilingual part {part!r} is not one of {', '.join(PARTS)}")
    rows: list[dict[str, Any]] = []
    for path in files:
        letter = path.stem.rsplit("_", 1)[-1]
        with path.open(encoding="utf-8") as handle:
            for index, line in enumerate(handle):
                split = "train" if index % 2 == 0 else "heldout"
                if not line.strip() or part not in (split, "all"):
                    continue
                row = json.loads(line)
                rows.append({**row, "id": f"{letter}-{index}", "label": 0, "split": split})
    return rows


def false_positive_table(
    rows: Sequence[Mapping[str, Any]], columns: Mapping[str, Sequence[bool]]
) -> str:
    """Return a Markdown table of flagged rows per language, one column pair per predictor.

    Args:
        rows: Benign rows (each with ``lang``).
        columns: Name of each predictor (e.g. ``"rules"``, ``"rules + model"``) mapped to
            whether it flagged each row, parallel to ``rows``.

    Returns:
        One line per language and an ``all`` line: rows, then flagged and FPR per predictor.
    """
    languages = sorted({str(row["lang"]) for row in rows})
    header = "| language | rows | " + " | ".join(f"{name} flagged | FPR" for name in columns)
    lines = [header + " |", "|---|---|" + "---|---|" * len(columns)]
    for lang in [*languages, "all"]:
        chosen = [i for i, row in enumerate(rows) if lang in ("all", row["lang"])]
        cells = [lang if lang != "all" else "**all**", str(len(chosen))]
        for flagged in columns.values():
            count = sum(flagged[i] for i in chosen)
            cells += [str(count), f"{count / len(chosen):.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
