"""Suppliers for large firms' needs without one-partner dependence: fit, candidate edges, HHI.

The fit of an offer to a need is a weighted sum of named parts (shared capabilities, sector,
region). Only the ``TOP_K`` best offers of each need become candidate edges, so the exact
solver sees a sparse problem. A buyer's dependence on its suppliers and a supplier's on its
buyers are measured by the Herfindahl-Hirschman index of their shares (0-10,000).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Candidate offers kept per need.
TOP_K = 20
# The fit's parts and their weights; each part is between 0 and 1.
WEIGHTS = {"capabilities": 0.6, "sector": 0.25, "region": 0.15}
# A supplier's HHI ceiling unless a run says otherwise: no buyer above half of its sales.
DEFAULT_HHI_CEILING = 5000


def _tags(values) -> set[str]:
    return {v.casefold().strip() for v in values if v.strip()}


def offer_fit(
    *,
    need_capabilities,
    need_division: str,
    need_region: str,
    offer_capabilities,
    offer_division: str,
    offer_region: str,
) -> dict[str, float]:
    """Return the parts of an offer's fit to a need, each between 0 and 1, and their total."""
    wanted, offered = _tags(need_capabilities), _tags(offer_capabilities)
    capabilities = len(wanted & offered) / len(wanted) if wanted else 0.0
    sector = 1.0 if need_division and need_division == offer_division else 0.0
    region = 1.0 if not need_region or need_region == offer_region else 0.0
    parts = {"capabilities": capabilities, "sector": sector, "region": region}
    parts["total"] = round(sum(WEIGHTS[k] * v for k, v in parts.items()), 4)
    return parts


@dataclass(frozen=True)
class Edge:
    need: int  # index into the run's needs
    offer: int  # index into the run's offers
    fit: float
    parts: dict[str, float]


def candidate_edges(needs: list, offers: list, *, top_k: int = TOP_K) -> list[Edge]:
    """Return the ``top_k`` offers of best fit for each need, leaving out offers that share no
    capability and no sector with it and offers of the buyer itself."""
    edges = []
    for n, need in enumerate(needs):
        scored = []
        for o, offer in enumerate(offers):
            if offer.supplier_id == need.buyer_id:
                continue
            parts = offer_fit(
                need_capabilities=need.capabilities,
                need_division=need.isic_division,
                need_region=need.region,
                offer_capabilities=offer.capabilities,
                offer_division=offer.isic_division,
                offer_region=offer.region,
            )
            if parts["capabilities"] > 0 or parts["sector"] > 0:
                scored.append((-parts["total"], o, parts))
        for negative, o, parts in sorted(scored, key=lambda s: (s[0], s[1]))[:top_k]:
            edges.append(Edge(n, o, -negative, parts))
    return edges


def hhi_rows(volumes: np.ndarray) -> np.ndarray:
    """Return each row's HHI (0-10,000) of its shares; 0 for a row without volume."""
    totals = volumes.sum(axis=1, keepdims=True)
    shares = np.divide(volumes, totals, out=np.zeros(volumes.shape), where=totals > 0)
    return np.round(((100 * shares) ** 2).sum(axis=1), 1)
