"""Train the shipped content-policy classifier and report cross-validated scores.

Training rows:

* violating rows of ``../shared/eval/content_policy/dev.jsonl`` (the five policies; ``other``
  is left out) and its safe rows;
* further negatives: the benign rows of ``../shared/eval/injection/dev.jsonl`` from sources
  that are not in the content-policy file (deepset, NotInject, awesome-chatgpt-prompts) and
  its CyberSecEval attacks (prompt injections in 17 languages that ask for nothing harmful),
  so that a language the policy file only has violating rows for (French, Chinese ...) is not
  learned as a sign of harm;
* :data:`WRITTEN_NEGATIVES`, benign prompts written for this script in French, Swahili and
  Javanese (harmful-sounding but safe ones included);
* the training half (even lines) of the hand-written benign prompts in 18 languages
  (:mod:`benign_multilingual`), so that ordinary Arabic, Thai or Italian text is not learned
  as a sign of harm just because the policy file's only rows in those languages violate.

Scores are k-fold cross-validated by row (the translations of one MultiJail prompt stay in one
fold): each row is predicted by a model that never saw it, combined with the phrase rules (a
row is flagged when a rule fires or the model's probability reaches the threshold). The
threshold is chosen inside each training fold, from out-of-fold probabilities of an inner
cross-validation, as the lowest whose combined false-positive rate on the fold's safe rows
stays under :data:`TARGET_FPR`. The final model is fitted on every row and written to
``prysmai/security/data/policy_model.json``.

Next to the CV tables the script reports the false-positive rate of the rules and of rules +
final model on the held-out half (odd lines) of the benign multilingual prompts, per language.
That half is never trained on and plays no part in choosing the threshold.

Trade-off (measured when the benign prompts were added, default seed; 3-seed means in brackets):
the shipped settings then kept the dev recall (0.816 at 5.8% FPR [0.804 at 4.6%]; before: 0.808 at
4.7% [0.796 at 3.9%]) and cut false positives on the held-out non-English prompts from 8.9% to
3.7%. ``BENIGN_WEIGHT = 3`` with ``LANGUAGE_BALANCE = 1`` brings the held-out rate to 2.2% for a
recall of 0.756 at 5.1% FPR. Later, six passes, an L2 penalty of 0.01 and ``MAX_SHARE = 0.10``
(over 8 fold seeds, mean: recall 0.803 both, FPR 5.2% -> 4.75%, held-out written prompts 4.55% ->
3.6%); one seed moves the FPR by about five rows, so settings are compared on several seeds.

Usage: ``python benchmarks/train_policy_model.py [--data DIR] [--folds K] [--dry-run]``
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import benign_multilingual  # noqa: E402
from eval_policy import load_rows, tabulate  # noqa: E402

from prysmai.security.normalize import normalize  # noqa: E402
from prysmai.security.policy import PolicyDetector  # noqa: E402
from prysmai.security.policy_model import (  # noqa: E402
    MODEL_RESOURCE,
    PolicyModel,
    PolicyWeights,
    features,
)
from prysmai.security.policy_patterns import POLICIES  # noqa: E402

DEFAULT_DATA = REPO / ".." / "shared" / "eval"
OUTPUT = REPO / "prysmai" / "security" / "data" / MODEL_RESOURCE
TARGET_FPR = 0.05
"""Combined (rules + model) false-positive rate allowed on safe rows when picking the threshold."""
LANGUAGE_BALANCE = 0.0
"""When positive, the negatives of a language weigh at least this share of its positives in
the harm model. The policy file's French rows are almost all violating, so the model learns
French function words ("qui", "dans") as harm; 1.0 halves the French false positives at a cost
in recall (see "Trade-off" above). 0 turns it off."""
CANDIDATES = 30000
"""N-grams kept by the log-odds screen before training."""
VOCABULARY = 6000
"""Features shipped (the strongest after a first fit; the model is then refitted on them)."""
GATE_SIZE = 1000
"""Words (and unspaced letter pairs) in the gate: those that weigh most towards a violation.
A text holding none of them is not scored, which keeps ordinary text cheap."""
MAX_SHARE = 0.10
"""N-grams found in more than this share of training rows ("the ", " de ") are left out: they
say little, cost scoring time on every text and mark a language more than a harm."""
MIN_ROWS = 3
"""An n-gram must occur in at least this many training rows."""
EXTRA_WEIGHT = 0.5
"""Weight of each further negative relative to a content-policy row of the same class."""
BENIGN_WEIGHT = 0.5
"""Weight of each benign multilingual prompt (training half) relative to a policy row."""
BENIGN_CATEGORY = "benign_multilingual"
UNTRAINED_KINDS = frozenset({"opinion_sensitive", "creative", "explain"})
"""Written benign prompts measured but not trained on. Good-faith opinion questions on heated
subjects (zoos, boxing, nuclear power): training on them too cost 1.6 points of recall (0.801
to 0.785) for four fewer false alarms on their held-out half; the ordinary opinion questions
alone brought those from 15% of the held-out half to 1.6%. Creative and explanatory requests
(file h): the model flags 3 of 320 already."""
EPOCHS = 6
"""Passes over the rows when fitting the harm model (and the screen before it)."""
RATE = 0.1
"""AdaGrad step size. Smaller steps and fewer passes than a full fit regularise the model:
under cross-validation they found more violating rows at the same false-positive rate."""
L2 = 0.01
"""L2 penalty of the harm model (the per-policy scores keep :func:`logistic`'s default)."""
SEED = 20240601

WRITTEN_NEGATIVES: tuple[tuple[str, str], ...] = (
    tuple(
        ("fr", text)
        for text in (
            "Comment tuer un processus Python qui ne répond plus ?",
            "Quelle est la meilleure façon de gonfler des ballons pour un anniversaire ?",
            "Comment faire exploser les ventes de ma boutique en ligne ?",
            "Peux-tu m'expliquer comment fonctionne une bombe de bain ?",
            "Comment abattre un arbre mort dans mon jardin en toute sécurité ?",
            "Quels sont les meilleurs conseils pour tirer de belles photos de nuit ?",
            "Comment éliminer les mauvaises herbes sans produits chimiques ?",
            "Comment se débarrasser des fourmis dans la cuisine ?",
            "Je veux écraser mon record personnel au semi-marathon, des conseils ?",
            "Comment arrêter de procrastiner quand je travaille à la maison ?",
            "Quelle est l'histoire de la Seconde Guerre mondiale en France ?",
            "Pourquoi la Révolution française a-t-elle éclaté en 1789 ?",
            "Explique-moi la différence entre un virus et une bactérie.",
            "Comment prévenir le harcèlement scolaire dans une classe de collège ?",
            "Quels sont les signes d'une dépression chez un adolescent et comment l'aider ?",
            "Où trouver de l'aide si un ami parle de suicide ?",
            "Comment parler de consentement avec mes enfants de façon adaptée à leur âge ?",
            "Quelles sont les conséquences juridiques du blanchiment d'argent en France ?",
            "Comment reconnaître un faux billet de banque ?",
            "Comment protéger mes données personnelles contre le vol d'identité ?",
            "Peux-tu me donner une recette de gâteau au chocolat sans gluten ?",
            "Comment cuisiner un bœuf bourguignon comme ma grand-mère ?",
            "Quel vin servir avec un plateau de fromages ?",
            "Rédige un courriel professionnel pour demander un congé la semaine prochaine.",
            "Résume cet article sur le changement climatique en trois phrases.",
            "Traduis cette phrase en anglais : le chat dort sur le canapé.",
            "Comment écrire une lettre de motivation pour un poste de développeur ?",
            "Quels sont les avantages du télétravail pour une petite entreprise ?",
            "Explique la photosynthèse à un enfant de dix ans.",
            "Comment fonctionne un moteur électrique ?",
            "Quelles sont les meilleures plages de Bretagne pour les familles ?",
            "Je prépare un voyage au Japon, que dois-je visiter à Kyoto ?",
            "Comment améliorer mon sommeil quand je suis stressé ?",
            "Quels exercices faire pour renforcer le dos ?",
            "Comment apprendre le piano à quarante ans ?",
            "Écris un poème sur l'automne et les feuilles mortes.",
            "Raconte une histoire drôle pour les enfants avec un dragon gentil.",
            "Quelle est la capitale de l'Australie ?",
            "Comment calculer la surface d'un cercle ?",
            "Peux-tu corriger les fautes d'orthographe de ce paragraphe ?",
            "Comment créer un tableau croisé dynamique dans Excel ?",
            "Explique-moi les bases de la programmation en JavaScript.",
            "Comment détruire un vieux disque dur pour effacer mes données ?",
            "Comment tuer le temps pendant une longue escale à l'aéroport ?",
            "Dans un jeu vidéo, comment battre le boss final de ce niveau ?",
            "Comment couper des oignons sans pleurer ?",
            "Comment pendre un tableau lourd sur un mur en placo ?",
            "Comment capturer l'ambiance d'un coucher de soleil en peinture ?",
            "Comment exécuter une requête SQL avec une jointure ?",
            "Comment attaquer un problème de mathématiques difficile ?",
            "Comment voler la vedette lors d'un spectacle de danse ?",
            "Comment percer dans l'industrie de la musique ?",
            "Quelles sont les causes de la Première Guerre mondiale ?",
            "Qu'est-ce que le terrorisme selon le droit international ?",
            "Pourquoi l'esclavage a-t-il été aboli en France en 1848 ?",
            "Comment soutenir une personne victime de violences conjugales ?",
            "Quels sont les dangers des drogues pour la santé des jeunes ?",
            "Comment expliquer la mort d'un animal de compagnie à un enfant ?",
            "Quels médicaments ne faut-il pas mélanger avec de l'alcool ?",
            "Comment signaler un contenu haineux sur les réseaux sociaux ?",
            "Quelle est la position de l'Église catholique sur le divorce ?",
            "Pourquoi les femmes ont-elles obtenu le droit de vote en 1944 en France ?",
            "Comment lutter contre le racisme au travail ?",
            "Quelles sont les règles du rugby ?",
            "Comment dresser un chiot à la propreté ?",
            "Comment réparer une fuite sous l'évier ?",
            "Quelle assurance choisir pour une première voiture ?",
            "Comment négocier une augmentation de salaire ?",
            "Quels sont les symptômes de la grippe et comment la soigner ?",
            "Comment planter des tomates sur un balcon ?",
            "Donne-moi des idées de sorties pour un week-end pluvieux à Lyon.",
            "Comment organiser une fête surprise pour les trente ans de ma sœur ?",
            "Quels livres lire pour comprendre l'économie ?",
            "Explique-moi le fonctionnement de la Bourse.",
            "Comment faire une sauvegarde de mon téléphone ?",
            "Comment se protéger des arnaques par téléphone ?",
            "Quelles sont les étapes pour créer une entreprise en France ?",
            "Comment écrire une scène de combat crédible dans mon roman fantastique ?",
            "Dans mon roman, un détective enquête sur un meurtre : comment rendre l'intrigue"
            " crédible ?",
            "Comment éteindre un feu de cuisine en toute sécurité ?",
            "Comment fonctionne la chimiothérapie contre le cancer ?",
            "Quels sont les effets de l'alcool sur le cerveau ?",
            "Comment fabriquer une cabane en bois pour les enfants ?",
            "Comment construire une fusée à eau pour un projet scolaire ?",
            "Où acheter des billets de train pas chers pour Marseille ?",
            "Comment se débarrasser d'une mauvaise habitude ?",
            "Quel est le meilleur moyen d'apprendre l'espagnol rapidement ?",
            "Comment abattre un mur non porteur dans ma maison ?",
            "Comment étrangler une durite de radiateur pour la remplacer ?",
            "Pourquoi les chats ont-ils peur des concombres ?",
            "Comment battre des œufs en neige ferme ?",
            "Comment frapper un coup droit au tennis ?",
            "Comment poignarder un ballon de baudruche sans bruit pour un tour de magie ?",
            "Quels sont les droits des personnes handicapées au travail ?",
            "Comment les immigrés ont-ils contribué à l'économie française ?",
            "Pourquoi les juifs ont-ils été persécutés pendant la guerre ?",
            "Qu'est-ce que l'islamophobie et comment la combattre ?",
            "Comment aider un adolescent qui se scarifie ?",
            "Que faire si mon enfant a avalé un médicament par erreur ?",
            "Comment reconnaître les signes d'un trouble alimentaire chez une amie ?",
        )
    )
    + tuple(
        ("sw", text)
        for text in (
            "Ninawezaje kupika wali wa nazi?",
            "Tafadhali nieleze historia ya Tanzania.",
            "Ni njia gani bora ya kujifunza Kiingereza?",
            "Nisaidie kuandika barua ya kuomba kazi.",
            "Je, mvua itanyesha kesho Nairobi?",
            "Ninawezaje kuua mchakato wa Python uliokwama?",
            "Ni vitabu gani vizuri vya kusoma kwa watoto?",
            "Nieleze jinsi kompyuta inavyofanya kazi.",
            "Ninawezaje kupanda mahindi shambani?",
            "Ni faida gani za kufanya mazoezi kila siku?",
            "Tafsiri sentensi hii kwa Kiswahili tafadhali.",
            "Ninawezaje kuokoa pesa kila mwezi?",
            "Nieleze sheria za mpira wa miguu.",
            "Ni wapi naweza kununua tiketi ya basi kwenda Mombasa?",
            "Ninawezaje kumsaidia rafiki anayehisi huzuni?",
            "Ni dalili gani za malaria?",
            "Niandikie shairi kuhusu bahari.",
            "Ninawezaje kutengeneza tovuti rahisi?",
            "Kwa nini anga ni la buluu?",
            "Ninawezaje kuzuia wizi wa simu yangu?",
        )
    )
    + tuple(
        ("jv", text)
        for text in (
            "Piye carane masak sego goreng sing enak?",
            "Tulung jelasna sejarah kraton Yogyakarta.",
            "Aku pengin sinau basa Inggris, piye carane?",
            "Tulung gawekno layang lamaran kerja.",
            "Sesuk udan ora ning Surabaya?",
            "Piye carane mateni proses Python sing macet?",
            "Buku apa sing apik kanggo bocah cilik?",
            "Jelasna piye komputer iku kerjane.",
            "Piye carane nandur pari ning sawah?",
            "Apa manfaate olahraga saben dina?",
            "Piye carane nabung duit saben wulan?",
            "Jelasna aturan main bal-balan.",
            "Ning ngendi aku iso tuku tiket sepur menyang Jakarta?",
            "Piye carane ngewangi kanca sing lagi sedih?",
            "Apa gejala demam berdarah?",
            "Gawekno geguritan bab segara.",
            "Piye carane gawe website sing gampang?",
            "Kenapa langit iku werna biru?",
            "Piye carane njaga hape supaya ora dicolong?",
            "Resep wedang jahe sing anget piye?",
        )
    )
)
"""Benign prompts written for this script (no third-party text), used only as negatives."""


@dataclass
class Example:
    """One training row with its precomputed features and rule verdict."""

    text: str
    label: int
    category: str
    lang: str
    group: str
    weight: float
    feats: frozenset[str]
    rules: frozenset[str]
    is_scored: bool
    """True for content-policy rows (the ones the tables report)."""
    row: dict[str, Any]


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    import json

    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_examples(data: Path) -> list[Example]:
    """Build every training example (scored policy rows first, then further negatives)."""
    detector = PolicyDetector(model=None)
    policy_rows = load_rows(data / "content_policy" / "dev.jsonl")
    seen = {" ".join(row["text"].split()) for row in policy_rows}
    extra_rows: list[dict[str, Any]] = []
    for row in _read_jsonl(data / "injection" / "dev.jsonl"):
        benign = row["label"] == 0 and row["source"] in {
            "deepset",
            "notinject",
            "awesome_chatgpt_prompts",
        }
        if (benign or row["source"].startswith("cyberseceval")) and (
            " ".join(row["text"].split()) not in seen
        ):
            extra_rows.append({**row, "label": 0, "category": "extra_negative"})
    for index, (lang, text) in enumerate(WRITTEN_NEGATIVES):
        extra_rows.append(
            {"id": f"written-{index}", "text": text, "label": 0, "lang": lang,
             "category": "extra_negative"}
        )  # fmt: skip
    for row in benign_multilingual.load("train"):
        if row["kind"] in UNTRAINED_KINDS:
            continue
        extra_rows.append({**row, "id": f"benign-{row['id']}", "category": BENIGN_CATEGORY})

    examples: list[Example] = []
    for row, scored in [(row, True) for row in policy_rows] + [(row, False) for row in extra_rows]:
        normalized = normalize(row["text"])
        findings = detector.detect(normalized.text, normalized.source_span)
        group = row.get("orig_id") if row.get("source") == "multijail" else row["id"]
        examples.append(
            Example(
                text=row["text"],
                label=int(row["label"]),
                category=row["category"],
                lang=row["lang"],
                group=str(group),
                weight=_weight(row, scored),
                feats=frozenset(features(normalized.text)),
                rules=frozenset(finding.category for finding in findings),
                is_scored=scored,
                row=row,
            )
        )
    return examples


def _weight(row: dict[str, Any], scored: bool) -> float:
    if scored:
        return 1.0
    return BENIGN_WEIGHT if row["category"] == BENIGN_CATEGORY else EXTRA_WEIGHT


# Training --------------------------------------------------------------------------------------


def screen(rows: Sequence[frozenset[str]], labels: Sequence[int], limit: int) -> list[str]:
    """Keep the ``limit`` n-grams whose presence differs most between the classes."""
    positive: Counter[str] = Counter()
    negative: Counter[str] = Counter()
    for row, label in zip(rows, labels, strict=True):
        (positive if label else negative).update(row)
    n_pos = max(sum(labels), 1)
    n_neg = max(len(labels) - sum(labels), 1)
    scores: dict[str, float] = {}
    for feature in positive.keys() | negative.keys():
        a, b = positive[feature], negative[feature]
        if a + b < MIN_ROWS or a + b > MAX_SHARE * len(labels):
            continue
        log_odds = math.log((a + 1) / (n_pos + 2)) - math.log((b + 1) / (n_neg + 2))
        scores[feature] = abs(log_odds) * math.sqrt(a + b)
    return sorted(scores, key=lambda feature: (-scores[feature], feature))[:limit]


def logistic(
    rows: Sequence[Sequence[int]],
    labels: Sequence[int],
    weights: Sequence[float],
    size: int,
    *,
    epochs: int = 8,
    l2: float = 1e-3,
    rate: float = 0.2,
    seed: int = SEED,
) -> tuple[list[float], float]:
    """Fit a logistic regression with AdaGrad over sparse binary rows; return weights, bias."""
    coef = [0.0] * size
    squares = [1e-8] * size
    bias, bias_square = 0.0, 1e-8
    order = list(range(len(rows)))
    shuffler = random.Random(seed)
    for _ in range(epochs):
        shuffler.shuffle(order)
        for index in order:
            row = rows[index]
            total = bias + sum(coef[feature] for feature in row)
            predicted = 1 / (1 + math.exp(-max(min(total, 30.0), -30.0)))
            gradient = (predicted - labels[index]) * weights[index]
            bias_square += gradient * gradient
            bias -= rate * gradient / math.sqrt(bias_square)
            for feature in row:
                step = gradient + l2 * coef[feature]
                squares[feature] += step * step
                coef[feature] -= rate * step / math.sqrt(squares[feature])
    return coef, bias


def _balanced(examples: Sequence[Example], labels: Sequence[int]) -> list[float]:
    positives = sum(labels)
    negatives = len(labels) - positives
    scale = {1: len(labels) / (2 * max(positives, 1)), 0: len(labels) / (2 * max(negatives, 1))}
    return [example.weight * scale[label] for example, label in zip(examples, labels, strict=True)]


def _harm_weights(examples: Sequence[Example], labels: Sequence[int]) -> list[float]:
    """Class-balanced weights, with a language's negatives raised by :data:`LANGUAGE_BALANCE`."""
    weights = _balanced(examples, labels)
    if not LANGUAGE_BALANCE:
        return weights
    totals: dict[tuple[str, int], float] = defaultdict(float)
    for example, label, weight in zip(examples, labels, weights, strict=True):
        totals[example.lang, label] += weight
    raise_by = {
        lang: max(1.0, LANGUAGE_BALANCE * totals.get((lang, 1), 0.0) / total)
        for (lang, label), total in totals.items()
        if not label
    }
    return [
        weight if label else weight * raise_by[example.lang]
        for example, label, weight in zip(examples, labels, weights, strict=True)
    ]


def _fit_harm(
    examples: Sequence[Example], labels: Sequence[int], features: Sequence[str]
) -> tuple[list[float], float, list[list[int]]]:
    """Fit the harm model over ``features``; return its weights, bias and the rows it read."""
    index = {feature: position for position, feature in enumerate(features)}
    rows = [[index[f] for f in example.feats if f in index] for example in examples]
    weights = _harm_weights(examples, labels)
    coef, bias = logistic(rows, labels, weights, len(features), epochs=EPOCHS, rate=RATE, l2=L2)
    return coef, bias, rows


def fit(examples: Sequence[Example], threshold: float = 0.5) -> PolicyWeights:
    """Fit the harm model and the per-policy scores on ``examples``."""
    labels = [example.label for example in examples]
    candidates = screen([example.feats for example in examples], labels, CANDIDATES)
    coef, _, _ = _fit_harm(examples, labels, candidates)
    strongest = sorted(range(len(candidates)), key=lambda i: (-abs(coef[i]), candidates[i]))
    vocabulary = sorted(candidates[i] for i in strongest[:VOCABULARY] if coef[i] != 0.0)
    harm, harm_bias, rows = _fit_harm(examples, labels, vocabulary)

    positives = [
        (example, row) for example, row in zip(examples, rows, strict=True) if example.label
    ]
    policies: dict[str, tuple[tuple[float, ...], float]] = {}
    for policy in POLICIES:
        targets = [int(example.category == policy) for example, _ in positives]
        policy_rows = [row for _, row in positives]
        sample = [example for example, _ in positives]
        coef, bias = logistic(
            policy_rows, targets, _balanced(sample, targets), len(vocabulary), epochs=6, rate=RATE
        )
        policies[policy] = (tuple(coef), bias)
    return PolicyWeights(
        tuple(vocabulary), tuple(harm), harm_bias, threshold, policies, _gate(vocabulary, harm)
    )


def _gate(vocabulary: Sequence[str], harm: Sequence[float]) -> tuple[str, ...]:
    """The :data:`GATE_SIZE` single words or unspaced pairs that weigh most towards harm."""
    singles = [i for i, feature in enumerate(vocabulary) if " " not in feature and harm[i] > 0]
    singles.sort(key=lambda i: (-harm[i], vocabulary[i]))
    return tuple(sorted(vocabulary[i] for i in singles[:GATE_SIZE]))


def _probabilities(weights: PolicyWeights, examples: Sequence[Example]) -> list[float]:
    """Harm probabilities; 0 for a text the gate keeps from being scored."""
    index = {feature: position for position, feature in enumerate(weights.features)}
    gate = frozenset(weights.gate)
    result = []
    for example in examples:
        if gate and not gate & example.feats:
            result.append(0.0)
            continue
        total = weights.harm_bias + sum(weights.harm[index[f]] for f in example.feats if f in index)
        result.append(1 / (1 + math.exp(-max(min(total, 30.0), -30.0))))
    return result


def _policy(weights: PolicyWeights, example: Example) -> str:
    index = {feature: position for position, feature in enumerate(weights.features)}
    present = [index[f] for f in example.feats if f in index]
    return max(
        weights.policies,
        key=lambda name: (
            weights.policies[name][1] + sum(weights.policies[name][0][i] for i in present)
        ),
    )


def pick_threshold(examples: Sequence[Example], probabilities: Sequence[float]) -> float:
    """Lowest threshold whose combined FPR on the scored safe rows stays under the target."""
    safe = [
        (probability, bool(example.rules))
        for example, probability in zip(examples, probabilities, strict=True)
        if example.is_scored and not example.label
    ]
    allowed = int(TARGET_FPR * len(safe)) - sum(1 for _, ruled in safe if ruled)
    model_only = sorted((p for p, ruled in safe if not ruled), reverse=True)
    if allowed < 0:
        return 1.0
    if allowed >= len(model_only):
        return 0.5
    return max(0.5, min(0.999, model_only[allowed] + 1e-6))


def folds_of(examples: Sequence[Example], count: int, seed: int) -> list[int]:
    """Fold number of each example; the translations of one prompt share a fold."""
    groups = sorted({example.group for example in examples})
    random.Random(seed).shuffle(groups)
    fold = {group: position % count for position, group in enumerate(groups)}
    return [fold[example.group] for example in examples]


def out_of_fold(examples: Sequence[Example], count: int, seed: int) -> list[float]:
    """Out-of-fold harm probabilities (threshold-free)."""
    folds = folds_of(examples, count, seed)
    result = [0.0] * len(examples)
    for k in range(count):
        train = [e for e, f in zip(examples, folds, strict=True) if f != k]
        test = [i for i, f in enumerate(folds) if f == k]
        weights = fit(train)
        for i, p in zip(test, _probabilities(weights, [examples[i] for i in test]), strict=True):
            result[i] = p
    return result


def fit_with_threshold(examples: Sequence[Example], inner: int, seed: int) -> PolicyWeights:
    """Fit on ``examples`` with a threshold chosen by an inner cross-validation."""
    threshold = pick_threshold(examples, out_of_fold(examples, inner, seed + 1))
    weights = fit(examples)
    return PolicyWeights(
        weights.features,
        weights.harm,
        weights.harm_bias,
        threshold,
        weights.policies,
        weights.gate,
    )


def cross_validate(examples: list[Example], count: int) -> str:
    """Return Markdown tables of out-of-fold results (rules OR model)."""
    folds = folds_of(examples, count, SEED)
    predicted: list[set[str]] = [set() for _ in examples]
    thresholds = []
    for k in range(count):
        started = time.perf_counter()
        train = [e for e, f in zip(examples, folds, strict=True) if f != k]
        test = [i for i, f in enumerate(folds) if f == k]
        weights = fit_with_threshold(train, 3, SEED + k)
        thresholds.append(weights.threshold)
        probabilities = _probabilities(weights, [examples[i] for i in test])
        for i, probability in zip(test, probabilities, strict=True):
            found = set(examples[i].rules)
            if probability >= weights.threshold:
                found.add(_policy(weights, examples[i]))
            predicted[i] = found
        print(
            f"fold {k + 1}/{count}: threshold {weights.threshold:.3f}, "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    scored = [(e.row, p) for e, p in zip(examples, predicted, strict=True) if e.is_scored]
    lines = [
        f"{count}-fold cross-validation (rules OR classifier; thresholds "
        + ", ".join(f"{t:.3f}" for t in thresholds)
        + ")",
        tabulate([row for row, _ in scored], [p for _, p in scored]),
        "\n#### Further negatives (out of fold): false positives by language\n",
        "| language | rows | flagged | FPR |",
        "|---|---|---|---|",
    ]
    by_language: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    benign: list[tuple[dict[str, Any], bool]] = []
    for example, found in zip(examples, predicted, strict=True):
        if example.category == BENIGN_CATEGORY:
            benign.append((example.row, bool(found)))
        elif not example.is_scored:
            by_language[example.lang][0] += 1
            by_language[example.lang][1] += bool(found)
    for lang in sorted(by_language):
        rows, flagged = by_language[lang]
        lines.append(f"| {lang} | {rows} | {flagged} | {flagged / rows:.3f} |")
    if benign:
        lines += [
            "\n#### Benign multilingual prompts, training half (out of fold)\n",
            benign_multilingual.false_positive_table(
                [row for row, _ in benign], {"rules OR classifier": [f for _, f in benign]}
            ),
        ]
    return "\n".join(lines)


def heldout_report(weights: PolicyWeights) -> str:
    """Return false positives of the rules and of rules + ``weights`` on the held-out half.

    The rows go through :class:`PolicyDetector` exactly as :func:`prysmai.security.scan` runs
    it (including its benign-phrase check on the classifier's evidence), so the figures are the
    shipped behaviour. The rows flagged by a rule are listed with the rule ids: the model
    cannot fix those.
    """
    rows = benign_multilingual.load("heldout")
    detectors = {
        "rules": PolicyDetector(model=None),
        "rules + model": PolicyDetector(model=PolicyModel(weights)),
    }
    found: dict[str, list[list[str]]] = {name: [] for name in detectors}
    for row in rows:
        normalized = normalize(row["text"])
        for name, detector in detectors.items():
            findings = detector.detect(normalized.text, normalized.source_span)
            found[name].append(sorted({finding.rule for finding in findings}))
    lines = [
        f"\n#### Benign multilingual prompts, held-out half (threshold {weights.threshold:.3f})\n",
        benign_multilingual.false_positive_table(
            rows, {name: [bool(rules) for rules in found[name]] for name in detectors}
        ),
        "\nFlagged held-out rows:\n",
    ]
    for row, rules in zip(rows, found["rules + model"], strict=True):
        if rules:
            text = " ".join(row["text"].split())[:80]
            lines.append(f"- `{row['id']}` ({row['lang']}) {', '.join(rules)}: {text}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--dry-run", action="store_true", help="report scores, write nothing")
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    args = parser.parse_args()
    if not (args.data / "content_policy" / "dev.jsonl").exists():
        sys.exit(f"evaluation data not found under {args.data}")
    examples = load_examples(args.data)
    print(f"{len(examples)} training rows", file=sys.stderr)
    if not args.no_cv:
        print(cross_validate(examples, args.folds))
    weights = fit_with_threshold(examples, args.folds, SEED)
    print(heldout_report(weights))
    if args.dry_run:
        return
    OUTPUT.write_text(weights.to_json() + "\n", encoding="utf-8")
    model = PolicyModel(weights)
    print(
        f"wrote {OUTPUT.relative_to(REPO)}: {len(weights.features)} features, "
        f"{len(weights.gate)} gate words, "
        f"threshold {weights.threshold:.3f} ({model.weights.threshold:.3f} loaded)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
