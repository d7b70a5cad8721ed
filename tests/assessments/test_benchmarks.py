"""Peer benchmarks: percentiles, medians, fallback to wider groups and small-cell suppression."""

import numpy as np
import pandas as pd
import pytest

from d4sme.assessments.benchmarks import benchmarks_refresh, group_medians, percentiles
from d4sme.assessments.models import BenchmarkPosition, PeerGroup
from d4sme.assessments.tasks import benchmarks_refresh as refresh_task
from d4sme.registry.models import Economy, Organisation, OrganisationKind

from .conftest import random_answers, take


def test_percentiles_agree_with_pandas_mid_ranks():
    rng = np.random.default_rng(7)
    groups = rng.integers(0, 40, 5000)
    values = np.round(rng.random(5000) * 100, 0)  # many ties
    pct, size = percentiles(groups, values, groups, values)
    frame = pd.DataFrame({"g": groups, "v": values})
    ranks = frame.groupby("g")["v"].rank(method="average")
    counts = frame.groupby("g")["v"].transform("size")
    expected = 100 * (ranks - 0.5) / counts
    np.testing.assert_allclose(pct, expected.to_numpy())
    np.testing.assert_array_equal(size, counts.to_numpy())


def test_percentile_of_a_value_outside_the_peers():
    peers_g, peers_v = np.array([1, 1, 1, 1, 2]), np.array([10.0, 20, 30, 40, 5])
    pct, size = percentiles(peers_g, peers_v, np.array([1, 1, 3]), np.array([25.0, 99, 50]))
    assert pct[0] == 50 and pct[1] == 100 and np.isnan(pct[2])
    assert list(size) == [4, 4, 0]


def test_group_medians_match_numpy():
    rng = np.random.default_rng(3)
    groups = rng.integers(0, 9, 999)
    values = rng.random((999, 3)) * 100
    unique, medians = group_medians(groups, values)
    for g, row in zip(unique, medians, strict=True):
        np.testing.assert_allclose(row, np.median(values[groups == g], axis=0))


def peers(economy: str, division: str, count: int, employees: int = 5) -> list[Organisation]:
    return [
        Organisation.objects.create(
            kind=OrganisationKind.SME,
            legal_name=f"Peer {economy}{division} {i}",
            economy=Economy.objects.get(code=economy),
            isic_section="C",
            isic_division=division,
            employees=employees,
        )
        for i in range(count)
    ]


def assess_all(world, version, organisations, seed=0):
    admin = world.user("admin")
    for i, organisation in enumerate(organisations):
        take(admin, organisation, version, random_answers(version.parsed, seed + i, 0.2 + i / 20))


def test_position_among_the_narrowest_group_of_five(world, dma):
    firms = peers("KR", "10", 5)
    assess_all(world, dma, [world.org_a, *firms])
    benchmarks_refresh(dma.instrument)

    position = BenchmarkPosition.objects.get(response__organisation=world.org_a)
    assert position.group.scope == "economy-sector-size"
    assert (position.group.economy, position.group.sector, position.group.size_class) == (
        "KR",
        "C",
        "micro",
    )
    assert position.group.size == 6
    scores = sorted(
        BenchmarkPosition.objects.values_list("response__overall", flat=True).filter(
            group=position.group
        )
    )
    mine = position.response.overall
    below, equal = sum(s < mine for s in scores), sum(s == mine for s in scores)
    assert position.percentile == pytest.approx(100 * (below + equal / 2) / 6, abs=0.05)
    assert set(position.percentiles) == {d.code for d in dma.parsed.dimensions}


def test_small_groups_fall_back_to_wider_ones_and_say_so(world, dma):
    assess_all(world, dma, [world.org_a, *peers("KR", "10", 5), world.org_b])
    benchmarks_refresh(dma.instrument)
    # Korea holds 6 micro manufacturers, 5 besides each: the economy-sector-size group.
    assert BenchmarkPosition.objects.get(response__organisation=world.org_a).group.scope == (
        "economy-sector-size"
    )
    # Brazil holds one firm: it is compared with micro manufacturers of every economy.
    group = BenchmarkPosition.objects.get(response__organisation=world.org_b).group
    assert (group.scope, group.sector, group.size_class, group.economy) == (
        "sector-size",
        "C",
        "micro",
        "",
    )
    assert group.size == 7


def test_no_peer_figure_for_fewer_than_five_firms(world, dma):
    assess_all(world, dma, [world.org_a, *peers("KR", "10", 3)])
    benchmarks_refresh(dma.instrument)
    assert not BenchmarkPosition.objects.exists()
    assert not PeerGroup.objects.filter(size__lt=5).exists()


def test_the_peer_median_rests_on_five_firms_besides_ones_own(world, dma):
    # Five firms in all: each has only 4 others, so none is shown a peer median.
    assess_all(world, dma, [world.org_a, *peers("KR", "10", 4)])
    benchmarks_refresh(dma.instrument)
    assert not BenchmarkPosition.objects.exists()


def test_only_each_firms_latest_response_counts_as_a_peer(world, dma):
    firms = peers("KR", "10", 5)
    assess_all(world, dma, [world.org_a, *firms])
    assess_all(world, dma, [world.org_a], seed=99)  # a second, later assessment
    benchmarks_refresh(dma.instrument)
    assert PeerGroup.objects.get(scope="economy-sector-size").size == 6
    # Both of the firm's responses get a position against the same peers.
    assert BenchmarkPosition.objects.filter(response__organisation=world.org_a).count() == 2


def test_submitting_queues_a_refresh(world, dma, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        take(world.user("sme_a"), world.org_a, dma, random_answers(dma.parsed, 1))
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("benchmarks_refresh")
    assert queued.args_kwargs["kwargs"]["instrument"] == "dma-sme"
    assert refresh_task.call(**queued.args_kwargs["kwargs"]) == 0  # one firm: nothing yet


def test_a_refresh_requested_before_the_last_one_ran_is_skipped(world, dma):
    from django.utils import timezone

    requested = timezone.now().isoformat()
    assess_all(world, dma, [world.org_a, *peers("KR", "10", 5)])
    assert refresh_task.call(instrument="dma-sme", requested_at=requested) == 6
    assert refresh_task.call(instrument="dma-sme", requested_at=requested) == 0
    later = timezone.now().isoformat()
    assert refresh_task.call(instrument="dma-sme", requested_at=later) == 6


def test_missing_scores_neither_count_nor_disturb_other_groups():
    """A dimension a response's version lacks is NaN; it must not shift anyone's rank."""
    groups = np.array([0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2])
    values = np.array([1, np.nan, 3, 5, 6, 7, 8, 9, 1, 2, 3])
    pct, size = percentiles(groups, values, groups, values)
    assert pct[3] == 10  # lowest of five in group 1
    assert np.isnan(pct[1])
    assert list(size[:3]) == [2, 2, 2]
    _groups, medians = group_medians(groups, values[:, np.newaxis])
    assert list(medians[:, 0]) == [2, 7, 2]
