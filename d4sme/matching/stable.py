"""Stable matching of candidates to jobs with capacities: deferred acceptance on arrays.

Candidates propose (the result is the candidate-optimal stable matching, and telling the truth
is a candidate's best strategy). Each round every free candidate proposes to the next job on
its list at once; each job keeps the best ``capacity`` of what it holds and what it was
offered, and rejects the rest. Deferred acceptance ends in the same matching whatever the
order of proposals, so rounds give the textbook result. Work grows with the total length of
the preference lists, never with candidates × jobs.

Preferences are flat arrays with offsets (CSR): candidate ``c`` ranks
``prefs[offsets[c]:offsets[c + 1]]``, best first; job ``j`` ranks
``job_prefs[job_offsets[j]:job_offsets[j + 1]]``. A pair is acceptable only when both rank
each other. Nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

UNMATCHED = -1


@dataclass(frozen=True)
class Preferences:
    """Both sides' ranked lists, as CSR arrays, and the jobs' capacities."""

    prefs: np.ndarray  # job ids, candidates' lists concatenated
    offsets: np.ndarray  # (C + 1,)
    job_prefs: np.ndarray  # candidate ids, jobs' lists concatenated
    job_offsets: np.ndarray  # (J + 1,)
    capacity: np.ndarray  # (J,)

    @property
    def candidates(self) -> int:
        return len(self.offsets) - 1

    @property
    def jobs(self) -> int:
        return len(self.job_offsets) - 1

    @classmethod
    def of(
        cls, candidate_lists: list[list[int]], job_lists: list[list[int]], capacity
    ) -> Preferences:
        """Return preferences from Python lists (best first) and capacities."""

        def csr(lists):
            lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
            offsets = np.zeros(len(lists) + 1, dtype=np.int64)
            np.cumsum(lengths, out=offsets[1:])
            flat = np.fromiter(
                (v for x in lists for v in x), dtype=np.int64, count=int(offsets[-1])
            )
            return flat, offsets

        prefs, offsets = csr(candidate_lists)
        job_prefs, job_offsets = csr(job_lists)
        return cls(prefs, offsets, job_prefs, job_offsets, np.asarray(capacity, dtype=np.int64))

    def job_rank(self) -> tuple[np.ndarray, np.ndarray]:
        """Return (sorted pair keys j * C + c, ranks) for looking up a job's rank of a candidate."""
        count = self.candidates
        job_of = np.repeat(np.arange(self.jobs, dtype=np.int64), np.diff(self.job_offsets))
        ranks = np.arange(len(self.job_prefs), dtype=np.int64) - self.job_offsets[job_of]
        keys = job_of * count + self.job_prefs
        order = np.argsort(keys, kind="stable")
        return keys[order], ranks[order]


def _lookup(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Return values[keys == wanted] per wanted key, or -1 where the key is absent."""
    if not len(keys):
        return np.full(len(wanted), -1, dtype=np.int64)
    position = np.searchsorted(keys, wanted)
    position = np.minimum(position, len(keys) - 1)
    return np.where(keys[position] == wanted, values[position], -1)


def deferred_acceptance(preferences: Preferences) -> np.ndarray:
    """Return the candidate-optimal stable matching: the job of each candidate, or -1."""
    count, lengths = preferences.candidates, np.diff(preferences.offsets)
    keys, ranks = preferences.job_rank()
    pointer = np.zeros(count, dtype=np.int64)
    match = np.full(count, UNMATCHED, dtype=np.int64)
    held_c = np.zeros(0, dtype=np.int64)
    held_j = np.zeros(0, dtype=np.int64)
    held_r = np.zeros(0, dtype=np.int64)
    free = np.flatnonzero(lengths > 0)
    while len(free):
        jobs = preferences.prefs[preferences.offsets[free] + pointer[free]]
        pointer[free] += 1
        rank = _lookup(keys, ranks, jobs * count + free)
        ok = rank >= 0
        refused = free[~ok]
        all_c = np.concatenate([held_c, free[ok]])
        all_j = np.concatenate([held_j, jobs[ok]])
        all_r = np.concatenate([held_r, rank[ok]])
        order = np.lexsort((all_r, all_j))
        all_c, all_j, all_r = all_c[order], all_j[order], all_r[order]
        first = np.searchsorted(all_j, all_j, side="left")
        keep = (np.arange(len(all_j)) - first) < preferences.capacity[all_j]
        rejected = all_c[~keep]
        held_c, held_j, held_r = all_c[keep], all_j[keep], all_r[keep]
        match[rejected] = UNMATCHED
        match[held_c] = held_j
        losers = np.concatenate([refused, rejected])
        free = losers[pointer[losers] < lengths[losers]]
    return match


def blocking_pairs(preferences: Preferences, match: np.ndarray) -> list[tuple[int, int]]:
    """Return the (candidate, job) pairs that would both rather be together than as matched."""
    count = preferences.candidates
    keys, ranks = preferences.job_rank()
    lengths = np.diff(preferences.offsets)
    candidate_of = np.repeat(np.arange(count, dtype=np.int64), lengths)
    position = np.arange(len(preferences.prefs)) - preferences.offsets[candidate_of]
    jobs = preferences.prefs
    # Where each candidate's current job sits on its own list (its length when unmatched).
    current = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    is_match = jobs == match[candidate_of]
    current[candidate_of[is_match]] = position[is_match]
    better = position < current[candidate_of]
    rank = _lookup(keys, ranks, jobs * count + candidate_of)
    matched = match >= 0
    held = np.zeros(preferences.jobs, dtype=np.int64)
    np.add.at(held, match[matched], 1)
    worst = np.full(preferences.jobs, -1, dtype=np.int64)
    held_rank = _lookup(keys, ranks, match[matched] * count + np.flatnonzero(matched))
    np.maximum.at(worst, match[matched], held_rank)
    room = held[jobs] < preferences.capacity[jobs]
    prefers = rank < worst[jobs]
    blocking = better & (rank >= 0) & (room | prefers)
    return list(zip(candidate_of[blocking].tolist(), jobs[blocking].tolist(), strict=True))
