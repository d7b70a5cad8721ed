"""Demonstration users, one per role, and a synthetic population, for a newcomer's first run."""

from dataclasses import dataclass, field

from django.db import transaction

from . import selectors
from .generator import organisations_generate
from .models import Membership, Organisation, OrganisationKind, Role, User
from .services import membership_grant, organisation_register, user_sign_up

DEMO_PASSWORD = "d4sme-demo"
DEMO_ADMIN_EMAIL = "admin@demo.d4sme.org"
# (e-mail, role, organisation content key or None for the demo SME)
DEMO_USERS = (
    ("sme@demo.d4sme.org", Role.SME_MEMBER, None),
    ("manager@demo.d4sme.org", Role.PROGRAMME_MANAGER, "kr-kosmo"),
    ("focal@demo.d4sme.org", Role.FOCAL_POINT, "kr-mss"),
    ("analyst@demo.d4sme.org", Role.ANALYST, "oecd"),
    ("coordinator@demo.d4sme.org", Role.NETWORK_COORDINATOR, "oecd"),
)


@dataclass
class DemoReport:
    password: str = DEMO_PASSWORD
    generated: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)


def _user(email: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_sign_up(email=email, password=DEMO_PASSWORD, first_name="Demo")
    if superuser and not user.is_superuser:
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    return user


def demo_prepare(*, smes: int, seed: int) -> list[str]:
    """Create the demo users and population; return what to tell the person starting d4sme."""
    report = demo_population(smes=smes, seed=seed)
    lines = [f"Created {report.generated:,} synthetic SMEs."] if report.generated else []
    lines.append(f"Demonstration logins (password for each: {report.password}):")
    lines += [f"  {email:<32} {role}" for email, role in report.logins]
    return lines


@transaction.atomic
def demo_population(*, smes: int, seed: int) -> DemoReport:
    """Create demo users and, if there are no synthetic SMEs yet, ``smes`` of them."""
    report = DemoReport()
    first_run = not Organisation.objects.filter(is_synthetic=True).exists()
    _user(DEMO_ADMIN_EMAIL, superuser=True)
    report.logins.append((DEMO_ADMIN_EMAIL, str(Role.ADMINISTRATOR.label)))
    for email, role, org_code in DEMO_USERS:
        user = _user(email)
        if role == Role.SME_MEMBER:
            if not Membership.objects.filter(user=user, role=role).exists():
                bakery = organisation_register(
                    user=user,
                    kind=OrganisationKind.SME,
                    legal_name="Demo Bakery",
                    economy=selectors.economy_get(code="KR"),
                    isic_division="10",
                    employees=6,
                    founded_year=2015,
                    women_led=True,
                )
                Organisation.objects.filter(pk=bakery.pk).update(is_synthetic=True)
        else:
            organisation = Organisation.objects.filter(code=org_code).first()
            if organisation is not None:
                membership_grant(user=user, organisation=organisation, role=role)
        report.logins.append((email, str(role.label)))
    if first_run:
        report.generated = organisations_generate(count=smes, seed=seed)
    return report
