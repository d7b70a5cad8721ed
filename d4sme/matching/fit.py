"""How well programmes fit firms: named parts, each between 0 and 1, combined by weights.

Programmes and firms are both turned into arrays once, so that one firm and a million firms go
through the same matrix products (``part_matrices``): the page shows one firm's parts, the
background refresh sums them chunk by chunk. Nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from d4sme.programmes.eligibility import SIZE_CLASSES
from d4sme.reports.embeddings import DIMENSIONS

PARTS = ("maturity", "barriers", "sector_size", "open_call", "uptake", "text")
# A part about other firms is shown only when at least this many firms make it up.
MIN_CELL_SIZE = 5
# The value of a sector or size part when the programme names no sector or size: open to all,
# so neither aimed at the firm nor against it.
UNTARGETED = 0.5
# An open call is worth 1; a call announced but not yet open half of that.
UPCOMING_CALL = 0.5
SECTIONS = tuple("ABCDEFGHIJKLMNOPQRSTU")
UNKNOWN = "?"


@dataclass(frozen=True)
class FitSettings:
    weights: dict[str, float]
    weakest: int
    low: float
    high: float
    dimensions: dict[str, tuple[str, ...]]

    @property
    def weight_total(self) -> float:
        return float(sum(self.weights[part] for part in PARTS))


@cache
def fit_settings() -> FitSettings:
    """Return the weights and mappings of ``content/fit.yaml`` (read once per process)."""
    data = yaml.safe_load((Path(__file__).parent / "content" / "fit.yaml").read_text())
    missing = set(PARTS) - set(data["weights"])
    if missing:
        raise ValueError(f"content/fit.yaml: weights lack {sorted(missing)}")
    return FitSettings(
        weights={k: float(v) for k, v in data["weights"].items()},
        weakest=int(data["weakest"]),
        low=float(data["text_similarity"]["low"]),
        high=float(data["text_similarity"]["high"]),
        dimensions={k: tuple(v) for k, v in data["dimensions"].items()},
    )


@dataclass
class Catalogue:
    """Programmes as columns: what each addresses, whom it targets, its call and its uptake."""

    programme_ids: np.ndarray  # (P,)
    dimensions: list[str]  # rows of ``addresses``
    addresses: np.ndarray  # (D, P): 1 where the programme addresses the dimension
    codes: list[str]  # barrier and support codes, rows of ``need_terms``
    need_terms: np.ndarray  # (C, P)
    size_fit: np.ndarray  # (len(SIZE_CLASSES) + 1, P); the last row for an unknown size
    section_fit: np.ndarray  # (len(SECTIONS) + 1, P); the last row for an unknown sector
    call: np.ndarray  # (P,)
    uptake: dict[tuple, np.ndarray] = field(default_factory=dict)  # group -> (P,) firms applied
    vectors: np.ndarray | None = None  # (P, DIMENSIONS), unit rows; zero rows when not computed

    @property
    def size(self) -> int:
        return len(self.programme_ids)

    def uptake_counts(self, groups: list[tuple]) -> np.ndarray:
        """Return (N, P) counts of similar firms that applied, with cells under 5 set to 0."""
        counts = np.zeros((len(groups), self.size), dtype=np.float32)
        for row, group in enumerate(groups):
            if group in self.uptake:
                counts[row] = self.uptake[group]
        counts[counts < MIN_CELL_SIZE] = 0
        return counts


def catalogue_build(
    *,
    programme_ids: list[int],
    terms: dict[int, set[str]],
    rules: dict[int, dict],
    calls: dict[int, float],
    uptake: dict[tuple, dict[int, int]],
    vectors: dict[int, np.ndarray],
    settings: FitSettings,
) -> Catalogue:
    """Return the programmes as arrays, from plain values (term codes, rules, call parts...)."""
    count = len(programme_ids)
    position = {pk: i for i, pk in enumerate(programme_ids)}
    dimensions = sorted(settings.dimensions)
    addresses = np.zeros((len(dimensions), count), dtype=np.float32)
    for d, dimension in enumerate(dimensions):
        wanted = set(settings.dimensions[dimension])
        for pk in programme_ids:
            if wanted & terms.get(pk, set()):
                addresses[d, position[pk]] = 1
    codes = sorted({code for found in terms.values() for code in found})
    code_row = {code: i for i, code in enumerate(codes)}
    need_terms = np.zeros((len(codes), count), dtype=np.float32)
    for pk in programme_ids:
        for code in terms.get(pk, ()):
            need_terms[code_row[code], position[pk]] = 1
    size_fit = np.full((len(SIZE_CLASSES) + 1, count), UNTARGETED, dtype=np.float32)
    section_fit = np.full((len(SECTIONS) + 1, count), UNTARGETED, dtype=np.float32)
    for pk in programme_ids:
        rule = rules.get(pk, {})
        if rule.get("size_classes"):
            size_fit[:-1, position[pk]] = [s in rule["size_classes"] for s in SIZE_CLASSES]
        if rule.get("sections"):
            section_fit[:-1, position[pk]] = [s in rule["sections"] for s in SECTIONS]
    matrix = np.zeros((count, DIMENSIONS), dtype=np.float32)
    for pk, vector in vectors.items():
        if pk in position:
            matrix[position[pk]] = vector
    return Catalogue(
        programme_ids=np.asarray(programme_ids, dtype=np.int64),
        dimensions=dimensions,
        addresses=addresses,
        codes=codes,
        need_terms=need_terms,
        size_fit=size_fit,
        section_fit=section_fit,
        call=np.asarray([calls.get(pk, 0.0) for pk in programme_ids], dtype=np.float32),
        uptake={
            group: np.asarray([by.get(pk, 0) for pk in programme_ids], dtype=np.float32)
            for group, by in uptake.items()
        },
        vectors=matrix,
    )


@dataclass
class Firms:
    """Firms as rows: their weakest dimensions, their needs, size, sector, group and need text."""

    weak: np.ndarray  # (N, D), each row sums to 1 (or 0 without an assessment)
    needs: np.ndarray  # (N, C), each row sums to 1 (or 0 without barriers)
    size_row: np.ndarray  # (N,) row of Catalogue.size_fit
    section_row: np.ndarray  # (N,) row of Catalogue.section_fit
    groups: list[tuple]  # (economy, section, size class) of each firm
    text: np.ndarray  # (N, DIMENSIONS) unit rows, zero when the firm states no need

    @property
    def size(self) -> int:
        return len(self.size_row)


def weakest_dimensions(scores: dict[str, float], weakest: int) -> dict[str, float]:
    """Return {dimension: gap to 100, as a share} of the ``weakest`` lowest-scoring dimensions."""
    ordered = sorted(scores.items(), key=lambda item: (item[1], item[0]))[:weakest]
    return {code: max(0.0, (100.0 - score) / 100.0) for code, score in ordered}


def firms_build(
    *,
    profiles: list[dict],
    scores: list[dict[str, float]],
    needs: list[set[str]],
    text: np.ndarray,
    catalogue: Catalogue,
    settings: FitSettings,
) -> Firms:
    """Return firms as arrays, from their profiles, dimension scores, needs and text vectors."""
    count = len(profiles)
    dimension_row = {code: i for i, code in enumerate(catalogue.dimensions)}
    code_row = {code: i for i, code in enumerate(catalogue.codes)}
    weak = np.zeros((count, len(catalogue.dimensions)), dtype=np.float32)
    need = np.zeros((count, len(catalogue.codes)), dtype=np.float32)
    for row in range(count):
        gaps = weakest_dimensions(scores[row], settings.weakest)
        total = sum(gaps.values())
        for code, gap in gaps.items():
            if code in dimension_row and total > 0:
                weak[row, dimension_row[code]] = gap / total
        if needs[row]:
            for code in needs[row]:
                if code in code_row:
                    need[row, code_row[code]] = 1.0 / len(needs[row])
    size_index = {s: i for i, s in enumerate(SIZE_CLASSES)}
    section_index = {s: i for i, s in enumerate(SECTIONS)}
    return Firms(
        weak=weak,
        needs=need,
        size_row=np.asarray(
            [size_index.get(p["size_class"], len(SIZE_CLASSES)) for p in profiles], dtype=np.int64
        ),
        section_row=np.asarray(
            [section_index.get(p["isic_section"], len(SECTIONS)) for p in profiles],
            dtype=np.int64,
        ),
        groups=[
            (p["economy_id"], p["isic_section"] or UNKNOWN, p["size_class"] or UNKNOWN)
            for p in profiles
        ],
        text=np.asarray(text, dtype=np.float32).reshape(count, DIMENSIONS),
    )


def part_matrices(catalogue: Catalogue, firms: Firms, settings: FitSettings):
    """Yield (part, (N, P) values in [0, 1]) for each named part, in ``PARTS`` order."""
    yield "maturity", firms.weak @ catalogue.addresses
    yield "barriers", firms.needs @ catalogue.need_terms
    yield (
        "sector_size",
        (catalogue.size_fit[firms.size_row] + catalogue.section_fit[firms.section_row]) / 2,
    )
    yield "open_call", np.broadcast_to(catalogue.call, (firms.size, catalogue.size))
    counts = catalogue.uptake_counts(firms.groups)
    best = counts.max(axis=1, keepdims=True, initial=0)
    yield "uptake", np.divide(counts, best, out=np.zeros_like(counts), where=best > 0)
    similarity = firms.text @ catalogue.vectors.T
    span = settings.high - settings.low
    yield "text", np.clip((similarity - settings.low) / span, 0.0, 1.0)


# Scores are rounded to this many decimals before ranking, so that one firm alone and the same
# firm in a chunk of thousands (whose matrix products may sum in another order) rank alike.
SCORE_DECIMALS = 4


def total_of(parts: dict[str, np.ndarray], settings: FitSettings) -> np.ndarray:
    """Return (N, P) fit scores between 0 and 100: the weighted mean of the parts."""
    total = np.zeros(next(iter(parts.values())).shape, dtype=np.float64)
    for part in PARTS:
        total += settings.weights[part] * parts[part]
    return np.round(100.0 * total / settings.weight_total, SCORE_DECIMALS)


def scores(catalogue: Catalogue, firms: Firms, settings: FitSettings) -> np.ndarray:
    """Return (N, P) fit scores between 0 and 100 of every firm for every programme."""
    return total_of(dict(part_matrices(catalogue, firms, settings)), settings)
