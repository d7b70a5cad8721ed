"""Forms of the exchange app: an import of official statistics, a mapping, a link."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .importing import mapping_problems
from .models import DimensionMapping


class StatisticsImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "SDMX-ML 2.1, SDMX-CSV 1.0 or 2.0 (codes, labels or both), Eurostat's bulk TSV "
            "(.tsv or .tsv.gz) or an XLSX workbook."
        ),
    )
    structure = forms.FileField(
        label=_("Structure"),
        required=False,
        help_text=_("The SDMX-ML structure message (DSD), when the data message needs one."),
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=100,
        help_text=_("For a workbook: the sheet to read; otherwise every sheet with data."),
    )
    mapping = forms.ModelChoiceField(
        label=_("Dimension mapping"),
        queryset=DimensionMapping.objects.all(),
        required=False,
        help_text=_("How the file's dimensions, labels and codes become the platform's."),
    )
    agency = forms.CharField(
        label=_("Publisher"),
        required=False,
        max_length=40,
        help_text=_("For example ESTAT; taken from the file when it says."),
    )
    code = forms.CharField(
        label=_("Dataset"),
        required=False,
        max_length=80,
        help_text=_("For example isoc_e_dii; taken from the file when it says."),
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=300)
    source = forms.CharField(
        label=_("Source, as users must cite it"), required=False, max_length=300
    )
    url = forms.URLField(label=_("Address it was downloaded from"), required=False)
    licence = forms.CharField(label=_("Licence"), required=False, max_length=300)
    retrieved_on = forms.DateField(
        label=_("Retrieved on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class MappingForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    spec = forms.CharField(
        label=_("Mapping (JSON)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            '{"dimensions": {"file\'s dimension": "id"}, "codes": {"dimension": '
            '{"label or code in the file": "code"}}, "area": "geo"}'
        ),
    )

    def clean_spec(self) -> dict:
        try:
            spec = json.loads(self.cleaned_data["spec"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("This is not JSON: %(error)s") % {"error": exc}) from exc
        problems = mapping_problems(spec)
        if problems:
            raise forms.ValidationError(problems)
        return spec


class LinkForm(forms.Form):
    framework = forms.CharField(label=_("Framework code"), max_length=64)
    indicator = forms.CharField(label=_("Indicator code"), max_length=16)
    select = forms.CharField(
        label=_("Series"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One dimension=code a line, for example indic_is=E_CC."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def clean_select(self) -> dict[str, str]:
        select = {}
        for line in self.cleaned_data["select"].splitlines():
            if not line.strip():
                continue
            dim, sep, code = line.partition("=")
            if not sep or not dim.strip() or not code.strip():
                raise forms.ValidationError(
                    _("“%(line)s” is not dimension=code.") % {"line": line.strip()}
                )
            select[dim.strip()] = code.strip()
        return select


class FrameworkForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=64, help_text=_("For example eu-dd-sme."))
    name = forms.CharField(label=_("Name"), max_length=200)
    version = forms.CharField(label=_("Version"), max_length=16, initial="1.0")
    start_year = forms.IntegerField(label=_("First year"), min_value=1990, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year"), min_value=1990, max_value=2100)
    grouping = forms.SlugField(
        label=_("Reporting economies: grouping code"),
        max_length=32,
        help_text=_(
            "An existing grouping (apec, oecd), one the platform knows (eu27_2020, ea20), "
            "or a new one with the members below."
        ),
    )
    grouping_name = forms.CharField(label=_("New grouping's name"), required=False)
    members = forms.CharField(
        label=_("New grouping's members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("ISO codes, each with the year it joined if it matters: AT:1995, BE, DE."),
    )
    breakdowns = forms.CharField(
        label=_("Breakdown dimensions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: code | name | category=label; category=label | additive (if the "
            "categories add up to the total)."
        ),
    )
    indicators = forms.CharField(
        label=_("Indicators"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One a line: code | name | unit | measure (percentage, count, money, qualitative) "
            "| breakdowns, comma-separated."
        ),
    )
    source = forms.CharField(label=_("Source"), required=False, max_length=300)


class PeerForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    url = forms.URLField(label=_("Address"), required=False)
    economy = forms.CharField(
        label=_("Economy it reports for"),
        required=False,
        max_length=2,
        help_text=_("ISO alpha-2; leave empty for a regional instance."),
    )
