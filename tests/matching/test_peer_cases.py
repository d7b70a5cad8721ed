"""The assessment report points to cases of firms like the assessed one that overcame the
barriers its assessment found."""

import pytest
from django.urls import reverse

from d4sme.assessments.models import Instrument
from d4sme.registry.models import Term
from tests.assessments.conftest import extreme_answers, take
from tests.casestudies.conftest import make_case
from tests.casestudies.test_workflow import publish_as

pytestmark = pytest.mark.django_db


def test_the_report_shows_the_most_similar_peers_who_overcame_the_barriers(client, world):
    skills = Term.objects.get(vocabulary_id="barriers", code="skills")
    elsewhere = make_case(
        world.user("sme_b"),
        "Retail in Brazil trains staff",
        isic_section="G",
        economy="BR",
        size_class="medium",
    )
    alike = make_case(world.user("sme_b"), "A Korean food maker trains bakers")  # KR, C, micro
    unrelated = make_case(world.user("sme_b"), "A shop without any barrier in common")
    for case in (elsewhere, alike):
        case.barriers.add(skills)
    # The firm-like case is published first: by date alone, the other would come first.
    for case in (alike, elsewhere, unrelated):
        publish_as(case, world.user("sme_b"), world)
    version = Instrument.objects.get(pk="dma-sme").current_version()
    response = take(
        world.user("sme_a"), world.org_a, version, extreme_answers(version.parsed, False)
    )
    client.force_login(world.user("sme_a"))
    page = client.get(reverse("assessments:response-report", args=[response.pk])).content.decode()
    section = page.split("Peers who overcame the same barriers")[1]
    assert section.index(alike.title) < section.index(elsewhere.title)
    assert unrelated.title not in section
