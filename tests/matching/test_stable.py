"""Deferred acceptance on arrays equals the `matching` package's, and leaves no blocking pair."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from d4sme.matching.stable import Preferences, blocking_pairs, deferred_acceptance


def oracle(candidate_lists, job_lists, capacity) -> list[int]:
    """Return the resident-optimal matching of the `matching` package, as a job per candidate."""
    residents = {f"r{c}": [f"h{j}" for j in lst] for c, lst in enumerate(candidate_lists)}
    hospitals = {f"h{j}": [f"r{c}" for c in lst] for j, lst in enumerate(job_lists)}
    game = HospitalResident.create_from_dictionaries(
        residents, hospitals, {f"h{j}": int(k) for j, k in enumerate(capacity)}
    )
    found = [-1] * len(candidate_lists)
    for hospital, matched in game.solve(optimal="resident").items():
        for resident in matched:
            found[int(resident.name[1:])] = int(hospital.name[1:])
    return found


def random_instance(rng, candidates: int, jobs: int, list_length: int):
    """Candidates rank random jobs; each job ranks, in a random order, those who ranked it."""
    candidate_lists = [
        rng.choice(jobs, size=rng.integers(1, min(list_length, jobs) + 1), replace=False).tolist()
        for _ in range(candidates)
    ]
    job_lists = [[] for _ in range(jobs)]
    for c, lst in enumerate(candidate_lists):
        for j in lst:
            job_lists[j].append(c)
    job_lists = [rng.permutation(lst).tolist() for lst in job_lists]
    capacity = rng.integers(1, 4, size=jobs)
    return candidate_lists, job_lists, capacity


def test_the_hospital_resident_example_of_the_matching_documentation():
    names = ["A", "S", "D", "J", "L"]
    jobs = ["M", "C", "G"]
    resident = {"A": "C", "S": "CM", "D": "CMG", "J": "CGM", "L": "MCG"}
    hospital = {"M": "DLSJ", "C": "DASLJ", "G": "DJL"}
    preferences = Preferences.of(
        [[jobs.index(h) for h in resident[r]] for r in names],
        [[names.index(r) for r in hospital[h]] for h in jobs],
        [2, 2, 2],
    )
    match = deferred_acceptance(preferences)
    found = {h: sorted(names[c] for c in np.flatnonzero(match == j)) for j, h in enumerate(jobs)}
    assert found == {"M": ["L", "S"], "C": ["A", "D"], "G": ["J"]}
    assert blocking_pairs(preferences, match) == []


@pytest.mark.filterwarnings("ignore:.*has an empty preference list")
def test_equal_to_the_matching_package_on_100_random_small_instances():
    rng = np.random.default_rng(2026)
    for _ in range(100):
        candidate_lists, job_lists, capacity = random_instance(
            rng, int(rng.integers(2, 15)), int(rng.integers(1, 8)), 4
        )
        ours = deferred_acceptance(Preferences.of(candidate_lists, job_lists, capacity))
        assert ours.tolist() == oracle(candidate_lists, job_lists, capacity)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), candidates=st.integers(1, 40), jobs=st.integers(1, 12))
def test_no_blocking_pair_and_no_job_over_capacity(seed, candidates, jobs):
    rng = np.random.default_rng(seed)
    candidate_lists, job_lists, capacity = random_instance(rng, candidates, jobs, 5)
    preferences = Preferences.of(candidate_lists, job_lists, capacity)
    match = deferred_acceptance(preferences)
    assert blocking_pairs(preferences, match) == []
    held = np.bincount(match[match >= 0], minlength=jobs)
    assert (held <= capacity).all()
    for c, j in enumerate(match.tolist()):
        assert j == -1 or (j in candidate_lists[c] and c in job_lists[j])


def test_a_blocking_pair_is_found_when_there_is_one():
    preferences = Preferences.of([[0], [0]], [[1, 0]], [1])
    assert blocking_pairs(preferences, np.array([0, -1])) == [(1, 0)]
    assert deferred_acceptance(preferences).tolist() == [-1, 0]


@pytest.mark.parametrize("capacity", [0, 1])
def test_a_job_without_places_takes_no_one(capacity):
    preferences = Preferences.of([[0]], [[0]], [capacity])
    assert deferred_acceptance(preferences).tolist() == ([0] if capacity else [-1])
