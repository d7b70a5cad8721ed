"""Candidate overlaps between programmes that different agencies of one economy run.

Seed 004 is the case in point: Korea ran three SME informatisation programmes in three
ministries before consolidating them. A pair is a candidate when both programmes belong to
the same economy, are run by different agencies, and their years overlap (or are unknown).
Its score is a weighted sum of explainable components; each component is kept so that the
page can say why a pair scored as it did.
"""

import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from django.utils.translation import gettext as _

from .models import OverlapDecision, Programme
from .stop_words import ENGLISH_STOP_WORDS

# The components and their weights; they add up to 1.
WEIGHTS = {
    "years": 0.2,
    "target_groups": 0.2,
    "instruments": 0.2,
    "themes": 0.2,
    "description": 0.2,
}
MIN_SCORE = 0.35


@dataclass(frozen=True)
class Component:
    name: str
    value: float  # 0..1
    weight: float
    detail: str

    @property
    def points(self) -> float:
        return self.value * self.weight


@dataclass(frozen=True)
class Candidate:
    first: Programme
    second: Programme
    components: list[Component]
    decision: OverlapDecision | None

    @property
    def score(self) -> float:
        return round(sum(c.points for c in self.components), 3)


# Words of two or more letters or digits, as scikit-learn's TfidfVectorizer took them.
WORD_RE = re.compile(r"(?u)\b\w\w+\b")


def text_similarity(texts: list[str]) -> np.ndarray:
    """The cosine similarity of every pair of texts (a square matrix), over TF-IDF vectors.

    The weights scikit-learn's ``TfidfVectorizer(stop_words="english", sublinear_tf=True)``
    gives: a term counts 1 + ln(count) in its text and weighs ln((1 + n) / (1 + df)) + 1
    across the n texts (df of them hold it); each vector has length 1. A text with no word
    left is similar to nothing.
    """
    counts = [
        Counter(w for w in WORD_RE.findall(text.lower()) if w not in ENGLISH_STOP_WORDS)
        for text in texts
    ]
    vocabulary = {term: i for i, term in enumerate(sorted(set().union(*counts)))}
    tf = np.zeros((len(texts), len(vocabulary)))
    for row, counted in enumerate(counts):
        for term, count in counted.items():
            tf[row, vocabulary[term]] = 1 + np.log(count)
    df = np.count_nonzero(tf, axis=0)
    vectors = tf * (np.log((1 + len(texts)) / (1 + df)) + 1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return vectors @ vectors.T


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _years(p: Programme, q: Programme) -> tuple[float, str]:
    if None in (p.start_year, q.start_year):
        return 0.5, _("The years of one of them are not known.")
    p_end, q_end = p.end_year or 9999, q.end_year or 9999
    shared = min(p_end, q_end) - max(p.start_year, q.start_year) + 1
    if shared <= 0:
        return 0.0, _("They ran in different years.")
    shortest = min(p_end, q_end, 2100) - min(p.start_year, q.start_year) + 1
    span = f"{max(p.start_year, q.start_year)}-{min(p_end, q_end) if min(p_end, q_end) < 9999 else '…'}"
    return min(1.0, shared / max(1, min(shortest, 10))), _("Both ran in %(span)s.") % {"span": span}


def _shared(label: str, a: set, b: set) -> tuple[float, str]:
    both = sorted(a & b)
    value = _jaccard(a, b)
    if not both:
        return value, _("No %(what)s in common.") % {"what": label}
    return value, _("Shared %(what)s: %(items)s.") % {"what": label, "items": ", ".join(both)}


def _facts(programme: Programme) -> dict[str, set[str]]:
    terms = programme.classifications.all()
    return {
        "target_groups": {t.label for t in terms if t.vocabulary_id == "target-groups"},
        "themes": {
            t.label for t in terms if t.vocabulary_id in ("stip-themes", "support-categories")
        },
        "instruments": {i.type.label for i in programme.instruments.all()},
    }


def candidates(*, economy: str, min_score: float = MIN_SCORE) -> list[Candidate]:
    """Return the economy's candidate overlaps, best first, each with its explanation."""
    programmes = list(
        Programme.objects.filter(economy_id=economy.upper())
        .exclude(responsible=None)
        .select_related("responsible")
        .prefetch_related("classifications", "instruments__type")
        .order_by("pk")
    )
    if len(programmes) < 2:
        return []
    texts = [f"{p.name} {p.description}" for p in programmes]
    similarity = text_similarity(texts)
    facts = {p.pk: _facts(p) for p in programmes}
    decisions = {
        (d.first_id, d.second_id): d
        for d in OverlapDecision.objects.filter(first__economy_id=economy.upper())
    }
    found = []
    for (i, p), (j, q) in combinations(enumerate(programmes), 2):
        if p.responsible_id == q.responsible_id:
            continue
        years, years_detail = _years(p, q)
        if years == 0.0:
            continue
        parts = [Component("years", years, WEIGHTS["years"], years_detail)]
        for key, label in (
            ("target_groups", _("target groups")),
            ("instruments", _("instrument types")),
            ("themes", _("themes")),
        ):
            value, detail = _shared(label, facts[p.pk][key], facts[q.pk][key])
            parts.append(Component(key, value, WEIGHTS[key], detail))
        text = float(similarity[i, j])
        parts.append(
            Component(
                "description",
                text,
                WEIGHTS["description"],
                _("Their descriptions are %(percent)s%% alike.") % {"percent": round(text * 100)},
            )
        )
        candidate = Candidate(p, q, parts, decisions.get((p.pk, q.pk)))
        if candidate.score >= min_score:
            found.append(candidate)
    return sorted(found, key=lambda c: c.score, reverse=True)


def candidate_get(*, first: Programme, second: Programme) -> Candidate | None:
    """Return the candidate for one pair, or None if the pair is not a candidate."""
    pair = {first.pk, second.pk}
    for candidate in candidates(economy=first.economy_id or "", min_score=0.0):
        if {candidate.first.pk, candidate.second.pk} == pair:
            return candidate
    return None
