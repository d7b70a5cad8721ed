"""Reads from the registry: the directory, economies, vocabularies, a user's roles."""

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from d4sme.core.db import sort_key
from d4sme.core.pagination import KeysetPage, keyset_paginate

from . import content
from .models import (
    ApiToken,
    Economy,
    EconomyGroup,
    Membership,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    Term,
    User,
    Vocabulary,
)

DIRECTORY_PAGE_SIZE = 25
DIRECTORY_ORDER = ("name_key", "id")
# Appended to a prefix, the highest code point bounds the range of names that start with it.
PREFIX_END = "\U0010ffff"
# The public directory shows a firm's name, economy, sector and size, never who its people are:
# ownership attributes (women-led, youth-led, rural) stay with the firm and those it applied to.
DIRECTORY_FIELDS = (
    "id",
    # The keys of DIRECTORY_ORDER: the next-page cursor reads them from the last row.
    "name_key",
    "kind",
    "legal_name",
    "short_name",
    "economy_id",
    "isic_section",
    "isic_division",
    "size_class",
    "is_synthetic",
    "economy__name",
)


@dataclass(frozen=True)
class DirectoryFilters:
    economy: str | None = None
    sector: str | None = None
    size_class: str | None = None
    kind: str | None = None
    q: str | None = None


def organisation_queryset(*, filters: DirectoryFilters) -> QuerySet[Organisation]:
    """Return organisations matching the directory filters, unordered."""
    qs = Organisation.objects.all()
    if filters.economy:
        qs = qs.filter(economy_id=filters.economy.upper())
    if filters.sector:
        qs = qs.filter(isic_section=filters.sector.upper())
    if filters.size_class:
        qs = qs.filter(size_class=filters.size_class)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        # A case-insensitive name prefix is one range of the name index.
        prefix = sort_key(filters.q)
        qs = qs.filter(name_key__gte=prefix, name_key__lt=prefix + PREFIX_END)
    return qs


def organisation_directory(
    *, filters: DirectoryFilters, cursor: str | None = None, page_size: int = DIRECTORY_PAGE_SIZE
) -> KeysetPage[Organisation]:
    """Return one page of the public directory of organisations."""
    qs = organisation_queryset(filters=filters).select_related("economy").only(*DIRECTORY_FIELDS)
    return keyset_paginate(qs, order=DIRECTORY_ORDER, cursor=cursor, page_size=page_size)


def organisation_get(*, pk: int) -> Organisation:
    """Return one organisation with its economy, region and parent."""
    return Organisation.objects.select_related("economy", "region", "parent").get(pk=pk)


def organisation_list(
    *, pks: Collection[int] | None = None, codes: Collection[str] | None = None
) -> QuerySet[Organisation]:
    """Return the organisations with the given ids or codes (all when both are None), by name."""
    if pks is None and codes is None:
        return Organisation.objects.all()
    found = Organisation.objects.none()
    if pks is not None:
        found = found | Organisation.objects.filter(pk__in=pks)
    if codes is not None:
        found = found | Organisation.objects.filter(code__in=codes)
    return found


def organisations_by_code() -> dict[str, Organisation]:
    """Return every organisation that has a code, keyed by it."""
    return {o.code: o for o in Organisation.objects.exclude(code=None)}


def organisation_pks_by_name(*, names: Collection[str]) -> tuple[dict[str, int], set[str]]:
    """Return ``({name: organisation id}, ambiguous)`` for the names that are an organisation's
    code or else its exact legal name; ``ambiguous`` holds the legal names several share."""
    found = dict(Organisation.objects.filter(code__in=names).values_list("code", "pk"))
    ambiguous: set[str] = set()
    for legal_name, pk in Organisation.objects.filter(
        legal_name__in=set(names) - found.keys()
    ).values_list("legal_name", "pk"):
        if legal_name in found:
            ambiguous.add(legal_name)
        found[legal_name] = pk
    return found, ambiguous


def organisation_synthetic_smes(
    *, economy: str | None = None, section: str | None = None
) -> QuerySet[Organisation]:
    """Return the demo's synthetic SMEs (of one economy and ISIC section when given) with their
    region, by id."""
    firms = Organisation.objects.filter(is_synthetic=True, kind=OrganisationKind.SME)
    if economy:
        firms = firms.filter(economy_id=economy)
    if section:
        firms = firms.filter(isic_section=section)
    return firms.select_related("region").order_by("id")


def organisation_members(*, organisation: Organisation) -> QuerySet[User]:
    """Return the active users who are members of the organisation."""
    return User.objects.filter(memberships__organisation=organisation, is_active=True).distinct()


def user_get(*, email: str) -> User | None:
    """Return the user with this e-mail address, or None."""
    return User.objects.filter(email=email).first()


def user_with_role(*, role: str) -> User | None:
    """Return the first user (by id) who holds the role in some organisation, or None."""
    return User.objects.filter(memberships__role=role).order_by("id").first()


def organisations_of_user(*, user: User) -> QuerySet[Organisation]:
    """Return the organisations the user is a member of."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct().order_by("legal_name")


def membership_exists(
    *,
    user: User,
    role: str | None = None,
    organisation_id: int | None = None,
    organisation_ids: Collection[int] | None = None,
    economy: str | None = None,
) -> bool:
    """Return whether ``user`` is a member (with ``role``, if given) of the organisation
    ``organisation_id``, of one of ``organisation_ids``, or of one in ``economy``."""
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(user=user)
    if role is not None:
        memberships = memberships.filter(role=role)
    if organisation_id is not None:
        memberships = memberships.filter(organisation_id=organisation_id)
    if organisation_ids is not None:
        memberships = memberships.filter(organisation_id__in=organisation_ids)
    if economy is not None:
        memberships = memberships.filter(organisation__economy_id=economy)
    return memberships.exists()


def membership_organisation_ids(*, user: User, role: str | None = None) -> QuerySet:
    """Return the ids of the organisations ``user`` belongs to (with ``role``), as a subquery."""
    memberships = Membership.objects.filter(user=user)
    if role is not None:
        memberships = memberships.filter(role=role)
    return memberships.values_list("organisation_id", flat=True)


def membership_economies(*, user: User, role: str) -> set[str]:
    """Return the codes of the economies of the organisations where ``user`` holds ``role``."""
    if not user.is_authenticated:
        return set()
    codes = Membership.objects.filter(user=user, role=role).values_list(
        "organisation__economy_id", flat=True
    )
    return set(codes) - {None}


def membership_first(*, user: User) -> Membership | None:
    """Return ``user``'s first membership, with its organisation, or None."""
    return Membership.objects.filter(user=user).select_related("organisation").first()


def user_roles(*, user: User) -> set[str]:
    """Return the roles the user holds in any organisation (administrator for superusers)."""
    if not user.is_authenticated:
        return set()
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    return roles


def economy_list() -> QuerySet[Economy]:
    """Return every economy, by name."""
    return Economy.objects.order_by("name")


def vocabulary_list() -> QuerySet[Vocabulary]:
    return Vocabulary.objects.order_by("code")


def vocabulary_terms(*, vocabulary: str, leaves: bool = False) -> QuerySet[Term]:
    """Return the terms of one vocabulary, parents before their children; with ``leaves``, only
    the terms that have no children."""
    terms = Term.objects.filter(vocabulary_id=vocabulary)
    if leaves:
        terms = terms.exclude(children__isnull=False)
    return terms.select_related("parent").order_by("position")


def term_list(
    *,
    vocabularies: Collection[str] | None = None,
    codes: Collection[str] | None = None,
    pks: Collection[int] | None = None,
) -> QuerySet[Term]:
    """Return the terms of the given vocabularies, codes and ids (all when None), with their
    vocabulary, by vocabulary and then position."""
    terms = Term.objects.select_related("vocabulary")
    if vocabularies is not None:
        terms = terms.filter(vocabulary_id__in=vocabularies)
    if codes is not None:
        terms = terms.filter(code__in=codes)
    if pks is not None:
        terms = terms.filter(pk__in=pks)
    return terms.order_by("vocabulary_id", "position", "code")


def isic_sections() -> list[tuple[str, str]]:
    """Return [(section letter, title)] of ISIC Rev.4."""
    return [(code, title) for code, title, _ in content.isic_sections()]


def isic_section_exists(code: str) -> bool:
    return code in dict(isic_sections())


def isic_section_of_division(division: str) -> str | None:
    """Return the section letter of an ISIC Rev.4 division, or None if there is no such division."""
    return content.isic_division_index().get(division)


def isic_division_title(division: str) -> str:
    return content.isic_division_titles().get(division, division)


def isic_section_title(section: str) -> str:
    return dict(isic_sections()).get(section, section)


def region_list(*, economy: str) -> QuerySet[Region]:
    """Return an economy's first-level regions, by name."""
    return Region.objects.filter(economy_id=economy).order_by("name")


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_user(*, key_hash: str) -> User | None:
    """Return the active user who owns the token with this hash, or None."""
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


def economy_get(*, code: str) -> Economy | None:
    return Economy.objects.filter(code=code.upper()).first()


def economy_group_get(*, code: str) -> EconomyGroup | None:
    """Return the grouping of economies with this code (such as APEC), or None."""
    return EconomyGroup.objects.filter(code=code).first()


def region_get(*, code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


FIRM_PROFILE_FIELDS = (
    "id",
    "economy_id",
    "size_class",
    "isic_section",
    "region__code",
    "founded_year",
    "women_led",
    "youth_led",
    "rural",
)


def organisation_profiles(
    *, pks: Collection[int] | None = None, kinds: Collection[str] = ("sme",)
) -> list[dict]:
    """Return the facts eligibility and matching look at, one dict per firm of ``kinds``, by id."""
    firms = Organisation.objects.filter(kind__in=list(kinds))
    if pks is not None:
        firms = firms.filter(pk__in=list(pks))
    return list(firms.order_by("id").values(*FIRM_PROFILE_FIELDS))


def organisation_counts(*, kind: str) -> dict[tuple[str, str], int]:
    """Return how many organisations of ``kind`` each (economy, size class) holds; the
    caller publishes them only through disclosure control."""
    rows = (
        Organisation.objects.filter(kind=kind)
        .exclude(size_class__isnull=True)
        .values_list("economy_id", "size_class")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(economy, size): n for economy, size, n in rows}
