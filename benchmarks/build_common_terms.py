"""Build ``prysmai/security/data/common_terms.json``: how common each term is in ordinary text.

The instruction-conflict check (``prysmai.security.instruction_conflict``) weighs a word the user
repeats from the application's restrictions by how rare it is: "quantum" says more than "what".
Rarity is measured here on ordinary text, per language and per kind of text: the translated
interface messages of the gettext catalogues under ``/usr/share/locale`` (up to 3,000 per
language), and prompts (the training half of the benign prompts written for this project, and
the benign prompts of the injection dev set). A term's share is the fraction of one corpus's
texts that hold it, the highest over corpora, counted only where at least three texts hold
it; terms in fewer than 0.2% of texts are left out (they get the full weight anyway).

Usage: ``python benchmarks/build_common_terms.py [--data DIR] [--locale-dir DIR]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from benign_multilingual import load as load_benign_multilingual  # noqa: E402
from train_security_model import LOCALE_DIR, LOCALES, _messages  # noqa: E402

from prysmai.security.instruction_conflict import COMMON_TERMS_RESOURCE, terms  # noqa: E402

PER_LANGUAGE = 3000
MIN_TEXTS = 20
"""Corpora with fewer texts are skipped."""
MIN_COUNT = 3
"""A term must occur in this many texts of a corpus to count as common there: in a corpus of
20 prompts, one or two occurrences are a topic, not a common word."""
MIN_SHARE = 0.002


def ordinary_texts(data: Path, locale_dir: Path) -> dict[str, list[str]]:
    """Texts by corpus and language: interface messages, and prompts, apart.

    Interface messages rarely ask anything, so "how" or "can you" look rare there; the prompts
    (fewer per language) say what is common in a request.
    """
    corpora: dict[str, set[str]] = defaultdict(set)
    for locale, language in LOCALES.items():
        for path in sorted((locale_dir / locale / "LC_MESSAGES").glob("*.mo")):
            corpora[f"interface/{language}"].update(_messages(path))
    for row in load_benign_multilingual("train"):
        corpora[f"prompts/{row['lang']}"].add(row["text"])
    with (data / "injection" / "dev.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if not row["label"]:
                corpora[f"prompts/{row['lang']}"].add(row["text"])
    sampled: dict[str, list[str]] = {}
    for corpus, texts in corpora.items():
        ordered = sorted(texts)
        random.Random(1).shuffle(ordered)
        if len(ordered) >= MIN_TEXTS:
            sampled[corpus] = ordered[:PER_LANGUAGE]
    return sampled


def shares(texts_by_corpus: dict[str, list[str]]) -> dict[str, float]:
    highest: dict[str, float] = {}
    for texts in texts_by_corpus.values():
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(terms(text))
        for term, count in counts.items():
            share = count / len(texts)
            if count >= MIN_COUNT and share >= MIN_SHARE and share > highest.get(term, 0.0):
                highest[term] = share
    return highest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "eval")
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR)
    args = parser.parse_args()
    texts = ordinary_texts(args.data, args.locale_dir)
    table = shares(texts)
    document = {
        "corpora": {corpus: len(items) for corpus, items in sorted(texts.items())},
        "shares": {term: round(share, 4) for term, share in sorted(table.items())},
    }
    target = REPO / "prysmai" / "security" / "data" / COMMON_TERMS_RESOURCE
    target.write_text(json.dumps(document, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target.relative_to(REPO)}: {len(table)} terms from {len(texts)} corpora")


if __name__ == "__main__":
    main()
