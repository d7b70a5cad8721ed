"""Writes to the registry: signing up, registering and editing organisations, memberships."""

import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .models import (
    ApiToken,
    Economy,
    EconomyGroup,
    EconomyGroupMembership,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)

SELF_REGISTERED_KINDS = {
    OrganisationKind.SME: Role.SME_MEMBER,
    OrganisationKind.LARGE_FIRM: Role.LARGE_FIRM_MEMBER,
}

ORGANISATION_EDITABLE_FIELDS = (
    "legal_name",
    "short_name",
    "economy",
    "region",
    "isic_section",
    "isic_division",
    "employees",
    "founded_year",
    "women_led",
    "youth_led",
    "rural",
    "website",
)


def user_sign_up(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    preferred_language: str = "",
) -> User:
    """Create an active user whose login is their e-mail address."""
    email = User.objects.normalize_email(email).strip().lower()
    user = User(
        username=email,
        email=email,
        first_name=first_name,
        last_name=last_name,
        preferred_language=preferred_language,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def organisation_validate(organisation: Organisation) -> None:
    """Raise ValidationError unless the organisation's fields agree with each other."""
    errors: dict[str, list[str]] = {}
    if organisation.isic_division:
        section = selectors.isic_section_of_division(organisation.isic_division)
        if section is None:
            errors.setdefault("isic_division", []).append(
                _("%(code)s is not an ISIC Rev.4 division.") % {"code": organisation.isic_division}
            )
        elif organisation.isic_section and organisation.isic_section != section:
            errors.setdefault("isic_division", []).append(
                _("Division %(division)s belongs to section %(section)s, not %(chosen)s.")
                % {
                    "division": organisation.isic_division,
                    "section": section,
                    "chosen": organisation.isic_section,
                }
            )
        else:
            organisation.isic_section = section
    if organisation.isic_section and not selectors.isic_section_exists(organisation.isic_section):
        errors.setdefault("isic_section", []).append(
            _("%(code)s is not an ISIC Rev.4 section.") % {"code": organisation.isic_section}
        )
    if organisation.region_id and organisation.region.economy_id != organisation.economy_id:
        errors.setdefault("region", []).append(_("This region is not in the chosen economy."))
    if (
        organisation.kind == OrganisationKind.SME
        and organisation.employees is not None
        and organisation.employees >= 250
    ):
        errors.setdefault("employees", []).append(
            _("An SME employs fewer than 250 persons; register a large firm instead.")
        )
    if organisation.kind in SELF_REGISTERED_KINDS and organisation.economy_id is None:
        errors.setdefault("economy", []).append(_("Choose the economy the firm is based in."))
    if errors:
        raise ValidationError(errors)
    organisation.full_clean(exclude=["size_class"])


@transaction.atomic
def organisation_register(
    *, user: User, kind: str = OrganisationKind.SME, **fields: Any
) -> Organisation:
    """Register a firm and make the registering user its member."""
    if kind not in SELF_REGISTERED_KINDS:
        raise ValidationError({"kind": _("Only SMEs and large firms register themselves.")})
    unknown = set(fields) - set(ORGANISATION_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    organisation = Organisation(kind=kind, **fields)
    organisation_validate(organisation)
    organisation.save()
    Membership.objects.create(
        user=user, organisation=organisation, role=SELF_REGISTERED_KINDS[kind]
    )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, user: User, **fields: Any) -> Organisation:
    """Change an organisation's profile; only its members and administrators may."""
    if not user.has_perm("registry.change_organisation", organisation):
        raise PermissionDenied(_("Only members of this organisation can change its profile."))
    unknown = set(fields) - set(ORGANISATION_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in fields.items():
        setattr(organisation, name, value)
    if "isic_division" in fields and "isic_section" not in fields:
        organisation.isic_section = ""
    organisation_validate(organisation)
    organisation.save()
    organisation.refresh_from_db(fields=["size_class"])
    return organisation


def membership_grant(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Give a user a role in an organisation (idempotent)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    return membership


def api_token_hash(key: str) -> str:
    """Return the stored form of an API key."""
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for the user; return it with its key, which is never shown again."""
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), prefix=key[:8], key_hash=api_token_hash(key))
    token.full_clean()
    token.save()
    return token, key


def api_token_authenticate(*, key: str) -> User | None:
    """Return the active user who owns this key, noting the token's use; None if no such key."""
    key_hash = api_token_hash(key)
    user = selectors.api_token_user(key_hash=key_hash)
    if user is not None:
        ApiToken.objects.filter(key_hash=key_hash).update(last_used_at=timezone.now())
    return user


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Delete one of the user's own tokens."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise PermissionDenied(_("You have no such token."))


@transaction.atomic
def economy_group_save(
    *, user: User, code: str, name: str, members: dict[str, int | None], source: str = ""
) -> EconomyGroup:
    """Create the grouping ``code`` (the EU27, the euro area, a national plan's regions'
    economies), or replace its name and members; ``members`` maps each ISO alpha-2 code to
    the year it joined (None when it does not matter), so that the composition of any year
    is known. Raise ValidationError naming every unknown code."""
    if not user.has_perm("registry.change_grouping"):
        raise PermissionDenied(_("Analysts and administrators keep the groupings."))
    known = set(Economy.objects.filter(code__in=members).values_list("code", flat=True))
    unknown = sorted(set(members) - known)
    if unknown:
        raise ValidationError(
            _("These are not ISO 3166-1 alpha-2 codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    if not members:
        raise ValidationError(_("A grouping has at least one member."))
    group = EconomyGroup.objects.filter(code=code).first() or EconomyGroup(code=code)
    group.name, group.source = name, source
    group.full_clean()
    group.save()
    EconomyGroupMembership.objects.filter(group=group).delete()
    EconomyGroupMembership.objects.bulk_create(
        EconomyGroupMembership(group=group, economy_id=iso, joined=year)
        for iso, year in members.items()
    )
    return group
