"""Baselines and targets: an economy's by its focal points, the region's by analysts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from d4sme.monitoring.models import Target
from d4sme.monitoring.services import TargetEntry, targets_save
from d4sme.registry.models import Economy

pytestmark = pytest.mark.django_db


def aim(plan, code, *values):
    return TargetEntry(plan.indicators.get(code=code), *values)


def test_a_focal_point_sets_its_economys_targets_and_not_the_regions(plan, focal, analyst):
    korea = Economy.objects.get(code="KR")
    assert (
        targets_save(
            framework=plan,
            economy=korea,
            user=focal,
            entries=[aim(plan, "3.1.2", 2020, 100, 2024, 140)],
        )
        == 1
    )
    target = Target.objects.get(economy=korea)
    assert (target.baseline_value, target.target_year, target.target_value) == (100, 2024, 140)
    with pytest.raises(PermissionDenied):
        targets_save(
            framework=plan, economy=None, user=focal, entries=[aim(plan, "3.1.2", 2020, 1)]
        )
    with pytest.raises(PermissionDenied):
        targets_save(
            framework=plan,
            economy=Economy.objects.get(code="JP"),
            user=focal,
            entries=[aim(plan, "3.1.2", 2020, 1)],
        )
    targets_save(
        framework=plan,
        economy=None,
        user=analyst,
        entries=[aim(plan, "3.1.2", 2020, 900, 2024, 1200)],
    )
    assert Target.objects.get(economy=None).target_value == 1200
    # Emptying a row removes it; the history keeps who set and removed it.
    targets_save(framework=plan, economy=korea, user=focal, entries=[aim(plan, "3.1.2")])
    assert not Target.objects.filter(economy=korea).exists()
    assert [h.history_user for h in Target.history.filter(economy_id="KR")] == [focal, focal]


def test_bad_targets_are_refused_together(plan, analyst):
    with pytest.raises(ValidationError) as caught:
        targets_save(
            framework=plan,
            economy=None,
            user=analyst,
            entries=[
                aim(plan, "3.1.2", 2020, 100, 2019, 140),
                aim(plan, "2.1.1", 2020, 30, 2024, 130),
                aim(plan, "3.2.2", None, None, 2024, 5),
                aim(plan, "1.4.2", 2020, 1),
            ],
        )
    assert caught.value.messages == [
        "indicator 3.1.2: the target's year must come after the baseline's.",
        "indicator 2.1.1: 130 is above the highest valid value, 100.",
        "indicator 3.2.2: a target needs a baseline to measure progress from.",
        "indicator 1.4.2: a qualitative indicator has no numeric target.",
    ]
    assert not Target.objects.exists()


def test_the_targets_page_and_api(plan, focal, analyst):
    client = Client()
    client.force_login(focal)
    indicator = plan.indicators.get(code="3.1.2")
    url = reverse("monitoring:targets", args=[plan.code]) + "?economy=KR"
    page = client.post(
        url,
        {
            f"t{indicator.pk}-baseline_year": "2020",
            f"t{indicator.pk}-baseline_value": "100",
            f"t{indicator.pk}-target_year": "2018",
            f"t{indicator.pk}-target_value": "140",
        },
    )
    assert page.status_code == 200
    assert "the target&#x27;s year must come after the baseline&#x27;s." in page.content.decode()
    assert not Target.objects.exists()
    page = client.post(
        url,
        {
            f"t{indicator.pk}-baseline_year": "2020",
            f"t{indicator.pk}-baseline_value": "100",
            f"t{indicator.pk}-target_year": "2024",
            f"t{indicator.pk}-target_value": "140",
        },
    )
    assert page.status_code == 302
    listed = Client().get(f"/api/v1/monitoring/frameworks/{plan.code}/targets?economy=KR").json()
    assert listed == [
        {
            "indicator": "3.1.2",
            "economy": "KR",
            "baseline_year": 2020,
            "baseline_value": 100.0,
            "target_year": 2024,
            "target_value": 140.0,
            "source": "",
        }
    ]
    # The region's targets are the analysts' to set.
    region = reverse("monitoring:targets", args=[plan.code])
    assert client.post(region, {f"t{indicator.pk}-baseline_year": "2020"}).status_code == 403
    response = client.put(
        f"/api/v1/monitoring/frameworks/{plan.code}/targets",
        data='{"targets": [{"indicator": "3.1.2", "baseline_year": 2020, "baseline_value": 1}]}',
        content_type="application/json",
    )
    assert response.status_code == 403
