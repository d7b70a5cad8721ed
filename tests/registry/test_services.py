import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from d4sme.registry.models import Economy, Membership, Organisation, Role
from d4sme.registry.selectors import user_roles
from d4sme.registry.services import organisation_register, organisation_update
from tests.conftest import make_sme, make_user

pytestmark = pytest.mark.django_db

KR = lambda: Economy.objects.get(code="KR")  # noqa: E731


@pytest.mark.parametrize(
    ("employees", "size_class"),
    [(1, "micro"), (9, "micro"), (10, "small"), (49, "small"), (50, "medium"), (249, "medium")],
)
def test_size_class_follows_persons_employed(employees, size_class):
    owner = make_user("owner@example.org")
    organisation = make_sme(owner, "Firm", employees=employees)
    assert Organisation.objects.get(pk=organisation.pk).size_class == size_class


def test_a_large_firm_of_250_is_large():
    owner = make_user("owner@example.org")
    firm = organisation_register(
        user=owner, kind="large_firm", legal_name="Big", economy=KR(), employees=250
    )
    assert Organisation.objects.get(pk=firm.pk).size_class == "large"
    assert Membership.objects.get(user=owner, organisation=firm).role == Role.LARGE_FIRM_MEMBER


def test_an_sme_cannot_employ_250():
    owner = make_user("owner@example.org")
    with pytest.raises(ValidationError) as error:
        make_sme(owner, "Too big", employees=250)
    assert "employees" in error.value.message_dict
    assert not Organisation.objects.filter(legal_name="Too big").exists()


def test_registering_makes_the_user_an_sme_member():
    owner = make_user("owner@example.org")
    organisation = make_sme(owner, "Alpha")
    assert user_roles(user=owner) == {Role.SME_MEMBER}
    assert organisation.isic_section == "C"  # division 10 (food) is in manufacturing


def test_a_division_from_another_section_is_refused():
    owner = make_user("owner@example.org")
    with pytest.raises(ValidationError) as error:
        organisation_register(
            user=owner, legal_name="Mixed", economy=KR(), isic_section="G", isic_division="10"
        )
    assert "isic_division" in error.value.message_dict


def test_an_unknown_division_is_refused():
    owner = make_user("owner@example.org")
    with pytest.raises(ValidationError):
        organisation_register(user=owner, legal_name="X", economy=KR(), isic_division="04")


def test_agencies_do_not_register_themselves():
    owner = make_user("owner@example.org")
    with pytest.raises(ValidationError):
        organisation_register(user=owner, kind="agency", legal_name="Ministry", economy=KR())


def test_a_member_edits_their_own_organisation(world):
    organisation_update(organisation=world.org_a, user=world.users["sme_a"], employees=30)
    assert Organisation.objects.get(pk=world.org_a.pk).size_class == "small"


def test_a_member_of_another_sme_cannot_edit(world):
    with pytest.raises(PermissionDenied):
        organisation_update(organisation=world.org_a, user=world.users["sme_b"], employees=30)
    assert Organisation.objects.get(pk=world.org_a.pk).employees == 5


def test_an_administrator_can_edit_any_organisation(world):
    organisation_update(
        organisation=world.org_b, user=world.users["admin"], legal_name="Beta Tooling"
    )
    assert Organisation.objects.get(pk=world.org_b.pk).legal_name == "Beta Tooling"


def test_a_region_must_lie_in_the_economy(world):
    from d4sme.registry.models import Region

    brazilian = Region.objects.filter(economy_id="BR").first()
    with pytest.raises(ValidationError) as error:
        organisation_update(organisation=world.org_a, user=world.users["sme_a"], region=brazilian)
    assert "region" in error.value.message_dict
