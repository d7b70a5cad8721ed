"""Project proposals are written through one service, by those who may, for the plan's own
economies and priority areas."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from d4sme.monitoring.models import Proposal
from d4sme.monitoring.services import proposal_submit
from d4sme.registry.models import Economy

from ..conftest import make_user

pytestmark = pytest.mark.django_db


def fields(plan, **overrides) -> dict:
    return {
        "title": "E-commerce for women-led micro firms",
        "proponent": Economy.objects.get(code="KR"),
        "objectives": "Train 500 women entrepreneurs to sell online.",
        "description": "Workshops and mentoring on online marketplaces.",
        "priority_areas": list(plan.priority_areas.all()[:1]),
        "budget": 100000,
        "economies_involved": 3,
        "has_indicators": True,
        **overrides,
    }


def test_a_focal_point_submits_a_proposal_through_the_page(client, plan, focal):
    client.force_login(focal)
    area = plan.priority_areas.first()
    data = {**fields(plan), "proponent": "KR", "priority_areas": [area.pk]}
    response = client.post(reverse("monitoring:proposal-new", args=[plan.code]), data)
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.created_by, list(proposal.priority_areas.all())) == (focal, [area])


def test_someone_who_may_not_submit_is_refused_and_nothing_is_written(plan):
    with pytest.raises(PermissionDenied):
        proposal_submit(framework=plan, user=make_user("firm@example.org"), fields=fields(plan))
    assert not Proposal.objects.exists()


def test_an_economy_outside_the_plan_is_refused_with_its_field(plan, focal):
    outside = Economy.objects.exclude(pk__in=plan.economies.members.all()).first()
    with pytest.raises(ValidationError) as refused:
        proposal_submit(framework=plan, user=focal, fields=fields(plan, proponent=outside))
    assert "proponent" in refused.value.message_dict
    assert not Proposal.objects.exists()
