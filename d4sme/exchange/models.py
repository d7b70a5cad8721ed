"""Official statistics held as data apart from economies' reports.

A statistical office publishes a dataset (Eurostat's ``isoc_cicce_use``); each import of one
of its files replaces the dataset's series and observations whole and records where the file
came from. A series is one key (every dimension's code, the area among them); an
observation is one period of a series, with its value or, when the value is missing or
withheld, the flags that say why. A missing value is NULL, never 0.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from d4sme.core.models import TimestampedModel

# Eurostat's observation flags (OBS_FLAG) and what each says about a value.
FLAG_NAMES = {
    "b": _("break in time series"),
    "c": _("confidential"),
    "d": _("definition differs"),
    "e": _("estimated"),
    "f": _("forecast"),
    "n": _("not significant"),
    "p": _("provisional"),
    "r": _("revised"),
    "s": _("Eurostat estimate"),
    "u": _("low reliability"),
    "z": _("not applicable"),
    # SDMX's OBS_STATUS codes, as other offices write them.
    "A": _("normal value"),
    "B": _("break in time series"),
    "E": _("estimated"),
    "F": _("forecast"),
    "I": _("imputed"),
    "L": _("data exist but were not collected"),
    "M": _("missing"),
    "P": _("provisional"),
    "S": _("strike or other special circumstance"),
    "U": _("low reliability"),
    "Z": _("not applicable"),
}
# SDMX's confidentiality statuses (CONF_STATUS).
CONF_NAMES = {
    "F": _("free"),
    "N": _("not for publication, restricted for internal use only"),
    "C": _("confidential"),
    "D": _("secondary confidentiality"),
    "S": _("secondary confidentiality set by the sender"),
    "A": _("primary confidentiality due to a small number of contributors"),
    "O": _("primary confidentiality due to dominance by one unit"),
    "T": _("primary confidentiality due to dominance by two units"),
    "G": _("primary confidentiality due to dominance by one or two units"),
    "M": _("primary confidentiality due to data declared confidential"),
}
# Statuses under which a value is withheld.
WITHHELD = {"C", "D", "S", "A", "O", "T", "G", "M", "N"}


class Format(models.TextChoices):
    SDMX_ML = "sdmx-ml", _("SDMX-ML 2.1")
    SDMX_CSV = "sdmx-csv", _("SDMX-CSV 1.0 or 2.0")
    EUROSTAT_TSV = "eurostat-tsv", _("Eurostat bulk TSV")
    XLSX = "xlsx", _("XLSX workbook")


class DimensionMapping(TimestampedModel):
    """How a kind of file's dimensions and codes become the platform's, saved to be reused.

    ``spec`` holds ``{"dimensions": {file's id or label: id}, "codes": {dimension: {label
    or code in the file: code}}, "area": dimension id}``.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    spec = models.JSONField(_("mapping"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("dimension mapping")
        verbose_name_plural = _("dimension mappings")

    def __str__(self) -> str:
        return self.name


class OfficialDataset(TimestampedModel):
    """A dataset of a statistical office, as last imported, with its provenance."""

    agency = models.CharField(_("publisher"), max_length=40, help_text=_("For example ESTAT."))
    code = models.CharField(_("dataset"), max_length=80, help_text=_("For example isoc_e_dii."))
    name = models.CharField(_("name"), max_length=300, blank=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("As users must cite it.")
    )
    url = models.URLField(_("address"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=300, blank=True)
    retrieved_on = models.DateField(_("retrieved on"), null=True, blank=True)
    published_update = models.CharField(
        _("last update by the publisher"), max_length=40, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_hash = models.CharField(_("file SHA-256"), max_length=64, blank=True)
    file_format = models.CharField(_("format"), max_length=16, choices=Format.choices, blank=True)
    dimensions = models.JSONField(_("dimensions"), default=list, blank=True)
    area_dimension = models.CharField(_("area dimension"), max_length=40, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    is_published = models.BooleanField(_("in the open-data catalogue"), default=True)

    class Meta:
        ordering = ["agency", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="unique_official_dataset")
        ]
        verbose_name = _("official dataset")
        verbose_name_plural = _("official datasets")

    def __str__(self) -> str:
        return f"{self.agency}:{self.code}"


class OfficialCode(models.Model):
    """The label of a code of one of a dataset's dimensions, as its publisher wrote it."""

    dataset = models.ForeignKey(OfficialDataset, on_delete=models.CASCADE, related_name="codes")
    dimension = models.CharField(_("dimension"), max_length=40)
    code = models.CharField(_("code"), max_length=80)
    label = models.CharField(_("label"), max_length=400, blank=True)

    class Meta:
        ordering = ["dataset", "dimension", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "dimension", "code"], name="unique_official_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={self.code}"


class OfficialSeries(models.Model):
    """One key of a dataset: a code for each dimension, the area among them."""

    dataset = models.ForeignKey(OfficialDataset, on_delete=models.CASCADE, related_name="series")
    key = models.JSONField(_("key"))
    key_text = models.CharField(_("key"), max_length=400)
    area = models.CharField(_("area"), max_length=40, blank=True, db_index=True)

    class Meta:
        ordering = ["dataset", "key_text"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "key_text"], name="unique_official_series")
        ]
        verbose_name = _("official series")
        verbose_name_plural = _("official series")

    def __str__(self) -> str:
        return self.key_text


class OfficialObservation(models.Model):
    """One period of a series: a value, or NULL with the flags that say why it is missing."""

    series = models.ForeignKey(
        OfficialSeries, on_delete=models.CASCADE, related_name="observations"
    )
    period = models.CharField(_("period"), max_length=20)
    value = models.FloatField(_("value"), null=True, blank=True)
    obs_flag = models.CharField(_("observation flags"), max_length=12, blank=True)
    conf_status = models.CharField(_("confidentiality"), max_length=4, blank=True)

    class Meta:
        ordering = ["series", "period"]
        constraints = [
            models.UniqueConstraint(fields=["series", "period"], name="unique_official_obs"),
            # A withheld value is never stored, not even as 0.
            models.CheckConstraint(
                condition=Q(value__isnull=True) | ~Q(conf_status__in=sorted(WITHHELD)),
                name="official_withheld_has_no_value",
            ),
        ]
        verbose_name = _("official observation")
        verbose_name_plural = _("official observations")

    def __str__(self) -> str:
        return f"{self.series_id} {self.period}"

    @property
    def flag_names(self) -> list[str]:
        """Return what each flag of the observation says."""
        return [str(FLAG_NAMES.get(flag, flag)) for flag in split_flags(self.obs_flag)]

    @property
    def missing_reason(self) -> str:
        """Return why the value is missing ("" when it is not)."""
        return missing_reason(self.value, self.obs_flag, self.conf_status)


def split_flags(text: str) -> list[str]:
    """Return the flags of an OBS_FLAG cell: "bu" -> ["b", "u"]; SDMX codes stay whole."""
    text = (text or "").strip()
    if not text:
        return []
    if text in FLAG_NAMES:
        return [text]
    return [char for char in text if not char.isspace()]


def missing_reason(value: float | None, obs_flag: str, conf_status: str) -> str:
    """Return why a value is missing, in words: confidential, low reliability, or not
    available; "" for a value that is there."""
    if value is not None:
        return ""
    if conf_status in WITHHELD:
        return str(_("confidential (%(status)s)") % {"status": CONF_NAMES[conf_status]})
    flags = [f for f in split_flags(obs_flag) if f not in ("b", "B", "d")]
    if flags:
        names = ", ".join(str(FLAG_NAMES.get(f, f)) for f in flags)
        return str(_("not available: %(reason)s") % {"reason": names})
    return str(_("not available"))


class IndicatorLink(TimestampedModel):
    """Official series an analyst put beside a framework indicator: a dataset and the codes
    that select them (for example indic_is=E_CC, unit=PC_ENT)."""

    indicator_id = models.PositiveIntegerField(_("indicator"), db_index=True)
    dataset = models.ForeignKey(OfficialDataset, on_delete=models.CASCADE, related_name="links")
    select = models.JSONField(_("selection"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["indicator_id", "pk"]
        verbose_name = _("official statistics beside an indicator")
        verbose_name_plural = _("official statistics beside indicators")


class StatisticsImport(TimestampedModel):
    """What an analyst asked to import with a file: where it came from and how to read it.

    The shared import job (``reports.ImportJob``) holds the file and runs the check; its
    ``target_id`` is this row.
    """

    agency = models.CharField(_("publisher"), max_length=40, blank=True)
    code = models.CharField(_("dataset"), max_length=80, blank=True)
    name = models.CharField(_("name"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=300, blank=True)
    retrieved_on = models.DateField(_("retrieved on"), null=True, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    structure = models.BinaryField(_("structure message"), null=True, blank=True)
    mapping = models.ForeignKey(
        DimensionMapping,
        verbose_name=_("dimension mapping"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    dataset = models.ForeignKey(
        OfficialDataset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import of official statistics")
        verbose_name_plural = _("imports of official statistics")


class Peer(TimestampedModel):
    """Another d4sme instance this one exchanges aggregates with: an economy's national
    instance sending to this regional one, or the regional one this instance reports to.

    Both sides hold the same key; a submission is signed with HMAC-SHA256 over its body.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), blank=True)
    economy = models.CharField(
        _("economy it reports for"),
        max_length=2,
        blank=True,
        help_text=_("ISO alpha-2; a peer may send only its own economy's partitions."),
    )
    key = models.CharField(_("shared key"), max_length=128)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("peer instance")
        verbose_name_plural = _("peer instances")

    def __str__(self) -> str:
        return self.name


class Receipt(models.Model):
    """A submission a peer sent, accepted or refused, with the report sent back."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="receipts")
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    payload_hash = models.CharField(_("payload SHA-256"), max_length=64)
    accepted = models.BooleanField(_("accepted"), default=False)
    report = models.JSONField(_("validation report"), default=dict)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return f"{self.peer_id} {self.received_at:%Y-%m-%d %H:%M}"
