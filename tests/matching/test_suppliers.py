"""Suppliers for large firms' needs: exact runs under diversification limits, answered by both."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from d4sme.matching import services
from d4sme.matching.models import MatchStatus, SupplierRelationship
from d4sme.registry.models import OrganisationKind
from d4sme.registry.services import organisation_register
from tests.conftest import make_sme, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(world):
    """A large car maker wanting sensors, and three SMEs able to make them."""
    from d4sme.registry.models import Economy

    buyer_user = make_user("buyer@example.org")
    world.buyer_user = buyer_user
    world.buyer = organisation_register(
        user=buyer_user,
        kind=OrganisationKind.LARGE_FIRM,
        legal_name="Gamma Motors",
        economy=Economy.objects.get(code="KR"),
        isic_division="29",
        employees=5000,
    )
    world.smes = []
    for n, capabilities in enumerate(
        [["sensors", "pcb"], ["sensors"], ["sensors", "firmware", "pcb"]]
    ):
        user = make_user(f"maker-{n}@example.org")
        firm = make_sme(user, f"Maker {n}", isic_division="26", employees=20)
        services.supplier_offer_create(
            user=user,
            supplier=firm,
            title=f"Sensor line {n}",
            isic_division="26",
            capabilities=capabilities,
            capacity=80,
        )
        world.smes.append((user, firm))
    world.need = services.supplier_need_create(
        user=buyer_user,
        buyer=world.buyer,
        title="Wheel-speed sensors",
        isic_division="26",
        capabilities=["sensors", "pcb"],
        volume=100,
        max_share=0.5,
        suppliers_wanted=2,
    )
    return world


def test_a_run_fills_the_need_without_any_supplier_above_its_largest_share(market):
    run = services.supplier_match_run(user=market.buyer_user, hhi_ceiling=10_000, seed=4)
    pairs = list(run.supplier_pairs.all())
    assert sum(p.volume for p in pairs) == 100
    assert all(p.volume <= 50 for p in pairs) and len(pairs) >= 2
    assert run.solver == "OR-Tools SCIP (MIP)" and run.solver_version and run.seed == 4
    assert run.objective_value == sum(round(100 * p.fit) * p.volume for p in pairs)
    assert run.summary["status"] == "OPTIMAL"
    assert run.params["needs"] == [market.need.pk] and len(run.params["offers"]) == 3
    buyer_hhi = run.summary["hhi_buyer"][str(market.buyer.pk)]
    assert buyer_hhi[0] == 0 and buyer_hhi[1] == 5000  # two suppliers of 50 each


def test_the_same_inputs_and_seed_give_the_same_pairs(market):
    first = services.supplier_match_run(user=market.buyer_user, hhi_ceiling=10_000, seed=1)
    second = services.supplier_match_run(user=market.buyer_user, hhi_ceiling=10_000, seed=1)

    def pairs(run):
        return sorted((p.offer_id, p.volume) for p in run.supplier_pairs.all())

    assert pairs(first) == pairs(second) and first.objective_value == second.objective_value


def test_the_hhi_ceiling_keeps_a_new_supplier_from_depending_on_one_buyer(market):
    # Maker 0 already sells 30 units to another buyer; the others sell to no one.
    other = organisation_register(
        user=make_user("other-buyer@example.org"),
        kind=OrganisationKind.LARGE_FIRM,
        legal_name="Delta Appliances",
        economy=market.buyer.economy,
        isic_division="27",
        employees=900,
    )
    maker = market.smes[0][1]
    SupplierRelationship.objects.create(buyer=other, supplier=maker, volume=30)
    run = services.supplier_match_run(user=market.buyer_user, hhi_ceiling=5000)
    pairs = list(run.supplier_pairs.all())
    assert [p.offer.supplier for p in pairs] == [maker] and pairs[0].volume == 30
    before, after = run.summary["hhi_supplier"][str(maker.pk)]
    assert before == 10_000 and after == 5000


def test_both_sides_accept_and_the_relationship_grows_with_its_history(market):
    run = services.supplier_match_run(user=market.buyer_user, hhi_ceiling=10_000)
    pair = run.supplier_pairs.order_by("-volume", "id").first()
    supplier_user = next(u for u, f in market.smes if f == pair.offer.supplier)
    services.supplier_pair_decide(user=market.buyer_user, pair=pair, accept=True)
    assert pair.status == MatchStatus.PROPOSED
    with pytest.raises(PermissionDenied):
        services.supplier_pair_decide(user=market.users["sme_a"], pair=pair, accept=True)
    services.supplier_pair_decide(user=supplier_user, pair=pair, accept=True)
    assert pair.status == MatchStatus.ACCEPTED
    assert [(e.side, e.action) for e in pair.events.all()] == [
        ("buyer", "accepted"),
        ("supplier", "accepted"),
    ]
    relationship = SupplierRelationship.objects.get(
        buyer=market.buyer, supplier=pair.offer.supplier
    )
    assert relationship.volume == pair.volume
    with pytest.raises(ValidationError):
        services.supplier_pair_decide(user=market.buyer_user, pair=pair, accept=False)


def test_a_declined_pair_is_declined_for_both(market):
    run = services.supplier_match_run(user=market.buyer_user, hhi_ceiling=10_000)
    pair = run.supplier_pairs.first()
    supplier_user = next(u for u, f in market.smes if f == pair.offer.supplier)
    services.supplier_pair_decide(user=supplier_user, pair=pair, accept=False)
    assert pair.status == MatchStatus.DECLINED
    assert not SupplierRelationship.objects.exists()


def test_only_large_firms_publish_needs_and_only_smes_offers(market):
    with pytest.raises(ValidationError):
        services.supplier_need_create(
            user=market.users["sme_a"],
            buyer=market.org_a,
            title="Flour",
            isic_division="10",
            volume=10,
            max_share=1,
        )
    with pytest.raises(PermissionDenied):
        services.supplier_offer_create(
            user=market.users["sme_a"],
            supplier=market.smes[0][1],
            title="Not mine",
            isic_division="26",
            capacity=5,
        )
    with pytest.raises(PermissionDenied):
        services.supplier_match_run(user=market.users["sme_a"])


def test_both_sides_are_told_by_e_mail_through_the_worker(
    market, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        run = services.supplier_match_run(user=market.buyer_user, hhi_ceiling=10_000)
    queued = DBTaskResult.objects.filter(task_path__endswith="email_send")
    recipients = sorted(r.args_kwargs["kwargs"]["to"][0] for r in queued)
    pairs = list(run.supplier_pairs.select_related("offer__supplier"))
    expected = ["buyer@example.org"] * len(pairs)
    emails = {firm: f"maker-{n}@example.org" for n, (_user, firm) in enumerate(market.smes)}
    expected += [emails[p.offer.supplier] for p in pairs]
    assert recipients == sorted(expected)
    assert "Wheel-speed sensors" in queued.first().args_kwargs["kwargs"]["subject"]
