"""Economies, organisations, users and their roles, and controlled vocabularies."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from d4sme.core.db import binary_collation, sort_key
from d4sme.core.models import TimestampedModel

# Upper bounds (exclusive) of the size classes, in persons employed.
MICRO_MAX = 10
SMALL_MAX = 50
MEDIUM_MAX = 250


class Economy(models.Model):
    """An ISO 3166-1 country or territory; APEC members carry APEC's own name."""

    code = models.CharField(_("ISO 3166-1 alpha-2 code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO numeric code"), max_length=3)
    name = models.CharField(_("name"), max_length=120)
    iso_name = models.CharField(_("ISO name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("economy")
        verbose_name_plural = _("economies")

    def __str__(self) -> str:
        return self.name


class EconomyGroup(models.Model):
    """A grouping of economies, such as APEC or the OECD."""

    code = models.SlugField(_("code"), max_length=32, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)
    members = models.ManyToManyField(
        Economy, through="EconomyGroupMembership", related_name="groups"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("economy grouping")
        verbose_name_plural = _("economy groupings")

    def __str__(self) -> str:
        return self.name


class EconomyGroupMembership(models.Model):
    group = models.ForeignKey(EconomyGroup, on_delete=models.CASCADE)
    economy = models.ForeignKey(Economy, on_delete=models.CASCADE)
    local_name = models.CharField(_("name in this grouping"), max_length=120, blank=True)
    joined = models.PositiveSmallIntegerField(_("year joined"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "economy"], name="unique_group_member")
        ]
        verbose_name = _("grouping membership")
        verbose_name_plural = _("grouping memberships")

    def __str__(self) -> str:
        return f"{self.group_id}: {self.economy_id}"


class Region(models.Model):
    """A first-level sub-national region (ISO 3166-2 subdivision)."""

    economy = models.ForeignKey(Economy, on_delete=models.CASCADE, related_name="regions")
    code = models.CharField(_("ISO 3166-2 code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=80, blank=True)

    class Meta:
        ordering = ["economy", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Vocabulary(models.Model):
    """A controlled vocabulary, loaded from a versioned data file under registry/content."""

    code = models.SlugField(_("code"), max_length=64, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=32)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("vocabulary")
        verbose_name_plural = _("vocabularies")

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A term of a vocabulary; sub-terms (such as sub-measures) point to their parent."""

    vocabulary = models.ForeignKey(Vocabulary, on_delete=models.CASCADE, related_name="terms")
    code = models.SlugField(_("code"), max_length=80)
    notation = models.CharField(_("notation"), max_length=16, blank=True)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    translations = models.JSONField(_("translated names"), default=dict, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["vocabulary", "position"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="unique_term_code")
        ]
        verbose_name = _("term")
        verbose_name_plural = _("terms")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Return the term's name in the active language, falling back to English."""
        return self.translations.get((get_language() or "en")[:2], self.name)


class User(AbstractUser):
    """A person who signs in; the e-mail address is the login."""

    email = models.EmailField(_("e-mail address"), unique=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class OrganisationKind(models.TextChoices):
    SME = "sme", _("SME")
    LARGE_FIRM = "large_firm", _("Large firm")
    AGENCY = "agency", _("Government agency or ministry")
    ASSOCIATION = "association", _("Business association")
    RESEARCH = "research", _("Research body")
    EXPERT = "expert", _("Expert")
    INTERNATIONAL = "international", _("International organisation")


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro (1-9)")
    SMALL = "small", _("Small (10-49)")
    MEDIUM = "medium", _("Medium (50-249)")
    LARGE = "large", _("Large (250+)")


def size_class_expression() -> Case:
    """Return the SQL expression that derives the size class from persons employed."""
    return Case(
        When(employees__lt=MICRO_MAX, then=Value(SizeClass.MICRO.value)),
        When(employees__lt=SMALL_MAX, then=Value(SizeClass.SMALL.value)),
        When(employees__lt=MEDIUM_MAX, then=Value(SizeClass.MEDIUM.value)),
        When(employees__gte=MEDIUM_MAX, then=Value(SizeClass.LARGE.value)),
        default=Value(None),
        output_field=models.CharField(max_length=8),
    )


class Organisation(TimestampedModel):
    """A firm, agency, association, research body, expert or international organisation."""

    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    code = models.SlugField(
        _("content key"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stable key of organisations that ship as starting content."),
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    # The directory sorts and finds names by this key (case-folded, code-point order).
    name_key = models.CharField(max_length=200, editable=False, db_collation=binary_collation())
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    economy = models.ForeignKey(
        Economy,
        verbose_name=_("economy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("For an agency, the ministry it reports to."),
    )
    isic_section = models.CharField(_("ISIC Rev.4 section"), max_length=1, blank=True)
    isic_division = models.CharField(_("ISIC Rev.4 division"), max_length=2, blank=True)
    employees = models.PositiveIntegerField(
        _("persons employed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10_000_000)],
        help_text=_("Including owners and managers."),
    )
    size_class = models.GeneratedField(
        expression=size_class_expression(),
        output_field=models.CharField(_("size class"), max_length=8, choices=SizeClass.choices),
        db_persist=True,
    )
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    women_led = models.BooleanField(_("women-led"), default=False)
    youth_led = models.BooleanField(_("youth-led"), default=False)
    rural = models.BooleanField(_("rural"), default=False)
    website = models.URLField(_("website"), blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        help_text=_("Generated for demonstration; not a real organisation."),
    )

    class Meta:
        ordering = ["name_key", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            # The directory pages through (name_key, id); each filter has its own path.
            models.Index(fields=["name_key", "id"], name="org_name_idx"),
            models.Index(fields=["economy", "name_key", "id"], name="org_economy_name_idx"),
            models.Index(fields=["isic_section", "name_key", "id"], name="org_sector_name_idx"),
            models.Index(fields=["size_class", "name_key", "id"], name="org_size_name_idx"),
            models.Index(fields=["kind", "name_key", "id"], name="org_kind_name_idx"),
            # Counts of filter combinations read this index alone, never the table; with all
            # four filters set, it also yields the page already in name order.
            models.Index(
                fields=["economy", "size_class", "isic_section", "kind", "name_key", "id"],
                name="org_facets_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.SME)
                | Q(employees__isnull=True)
                | Q(employees__lt=MEDIUM_MAX),
                name="sme_has_fewer_than_250_employees",
            ),
            models.CheckConstraint(
                condition=Q(isic_division="") | ~Q(isic_section=""),
                name="division_needs_section",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    def save(self, *args, **kwargs) -> None:
        self.name_key = sort_key(self.legal_name)
        if kwargs.get("update_fields") is not None and "legal_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    @property
    def size_class_label(self) -> str:
        """Return the size class in words ("Micro (1-9)"), or "" when employment is unknown."""
        return SizeClass(self.size_class).label if self.size_class else ""


class Role(models.TextChoices):
    SME_MEMBER = "sme_member", _("SME member")
    LARGE_FIRM_MEMBER = "large_firm_member", _("Large-firm member")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    FOCAL_POINT = "focal_point", _("Economy focal point")
    ANALYST = "analyst", _("Analyst")
    NETWORK_COORDINATOR = "network_coordinator", _("Network coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(TimestampedModel):
    """A user's role in an organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


class ApiToken(models.Model):
    """A personal API token; only a hash of the key is stored, the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
