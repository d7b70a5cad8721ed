"""Forms of KPI monitoring: the report entry form, review moves, uploads, reviews, proposals."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    CATEGORIES,
    EXHAUSTIVE,
    Flag,
    Indicator,
    Measure,
    PriorityArea,
    Proposal,
    ReviewKind,
    Submission,
    SubmissionStatus,
    Value,
    dimension_label,
)
from .services import Entry

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


@dataclass
class Cell:
    """One row of the entry form: an indicator's total or one category of a breakdown."""

    indicator: Indicator
    dimension: str
    category: str
    prefix: str
    stored: Value | None

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.indicator.pk, self.dimension, self.category)

    @property
    def label(self) -> str:
        if not self.dimension:
            return str(_("Total"))
        return f"{dimension_label(self.dimension)}: {self.category}"


def cells_of(indicator: Indicator, stored: dict[tuple[int, str, str], Value]) -> list[Cell]:
    """The total, then each category of the breakdowns a form can hold (the closed lists)."""
    keys = [("", "")]
    for dimension in indicator.disaggregations:
        if dimension in EXHAUSTIVE:
            keys += [(dimension, category) for category in CATEGORIES[dimension]]
    return [
        Cell(
            indicator,
            dimension,
            category,
            f"i{indicator.pk}-{dimension or 'total'}-{category or 'all'}",
            stored.get((indicator.pk, dimension, category)),
        )
        for dimension, category in keys
    ]


class ReportForm(forms.Form):
    """Every value of one economy's report for one period, total and breakdowns.

    Values stay as they are unless their fields change; an emptied row removes the value.
    Breakdowns by sector or region (open lists) are entered by upload or through the API.
    """

    def __init__(self, *args, submission: Submission, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.submission = submission
        stored = {(v.indicator_id, v.dimension, v.category): v for v in submission.values.all()}
        self.cells: list[Cell] = []
        for indicator in indicators:
            for cell in cells_of(indicator, stored):
                self.cells.append(cell)
                self._add_fields(cell)

    def _add_fields(self, cell: Cell) -> None:
        v, p = cell.stored, cell.prefix
        name = f"{cell.indicator.code} {cell.label}"
        if cell.indicator.measure == Measure.QUALITATIVE:
            self.fields[f"{p}-text"] = forms.CharField(
                label=_("Description for %(name)s") % {"name": name},
                required=False,
                initial=v.text if v else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        else:
            self.fields[f"{p}-value"] = forms.FloatField(
                label=_("Value for %(name)s") % {"name": name},
                required=False,
                initial=v.value if v else None,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
        self.fields[f"{p}-flag"] = forms.ChoiceField(
            label=_("Status of %(name)s") % {"name": name},
            choices=Flag.choices,
            required=False,
            initial=v.flag if v else "",
        )
        self.fields[f"{p}-comment"] = forms.CharField(
            label=_("Comment on %(name)s") % {"name": name},
            required=False,
            initial=v.comment if v else "",
            max_length=2000,
        )
        if not cell.dimension:
            self.fields[f"{p}-source"] = forms.CharField(
                label=_("Source of %(name)s") % {"name": name},
                required=False,
                initial=v.source if v else "",
                max_length=300,
            )
            self.fields[f"{p}-evidence"] = forms.FileField(
                label=_("Evidence for %(name)s") % {"name": name}, required=False
            )

    def clean(self):
        cleaned = super().clean()
        for cell in self.cells:
            upload = cleaned.get(f"{cell.prefix}-evidence")
            if upload and upload.size > MAX_EVIDENCE_BYTES:
                self.add_error(
                    f"{cell.prefix}-evidence", _("A file of evidence may be 10 MB at most.")
                )
        return cleaned

    def changed_entries(self) -> list[Entry]:
        """An entry for every row whose fields differ from what is stored."""
        entries = []
        for cell in self.cells:
            p, v = cell.prefix, cell.stored
            data = self.cleaned_data
            entry = Entry(
                indicator=cell.indicator,
                dimension=cell.dimension,
                category=cell.category,
                value=data.get(f"{p}-value"),
                text=data.get(f"{p}-text") or "",
                flag=data.get(f"{p}-flag") or "",
                comment=data.get(f"{p}-comment") or "",
                source=data.get(f"{p}-source") or (v.source if v and cell.dimension else ""),
                attachment=data.get(f"{p}-evidence"),
            )
            before = (
                (v.value, v.text, v.flag, v.comment, v.source if not cell.dimension else "")
                if v
                else (None, "", "", "", "")
            )
            after = (
                entry.value,
                entry.text.strip(),
                entry.flag,
                entry.comment.strip(),
                entry.source.strip() if not cell.dimension else "",
            )
            if before != after or entry.attachment:
                entries.append(entry)
        return entries

    def add_problems(self, problems) -> None:
        """Show each problem under the field of the value it is about."""
        by_key = {cell.key: cell for cell in self.cells}
        for key, messages in problems.by_key.items():
            cell = by_key.get(key)
            if cell is None:
                continue
            field = (
                f"{cell.prefix}-text"
                if cell.indicator.measure == Measure.QUALITATIVE
                else f"{cell.prefix}-value"
            )
            for message in messages:
                self.add_error(field, message)
        for message in problems.general:
            self.add_error(None, message)


class MoveForm(forms.Form):
    to = forms.ChoiceField(
        choices=[
            (SubmissionStatus.SUBMITTED, _("Submit")),
            (SubmissionStatus.RETURNED, _("Return with notes")),
            (SubmissionStatus.APPROVED, _("Approve")),
        ]
    )
    note = forms.CharField(
        label=_("Note to the focal point"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("About the indicator"),
        queryset=Indicator.objects.none(),
        required=False,
        empty_label=_("The report as a whole"),
    )
    text = forms.CharField(
        label=_("Question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = framework.indicators.all()


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or XLSX with the template's columns, or an SDMX-CSV or SDMX-ML data message."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file may be 20 MB at most."))
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".xml")):
            raise forms.ValidationError(_("Upload a .csv, .xlsx or .xml file."))
        return upload


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReviewKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)


class SectionForm(forms.Form):
    body = forms.CharField(
        label=_("Narrative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
    )


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = [
            "title",
            "proponent",
            "objectives",
            "description",
            "priority_areas",
            "budget",
            "economies_involved",
            "has_indicators",
        ]
        widgets = {"priority_areas": forms.CheckboxSelectMultiple}

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority_areas"].queryset = PriorityArea.objects.filter(framework=framework)
        self.fields["proponent"].queryset = framework.economies.members.order_by("name")


class TargetsForm(forms.Form):
    """Baseline and target of every quantitative indicator, for one economy or the region."""

    FIELDS = ("baseline_year", "baseline_value", "target_year", "target_value")

    def __init__(self, *args, indicators: list[Indicator], stored: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for indicator in indicators:
            target = stored.get(indicator.pk)
            names = {}
            for name in self.FIELDS:
                key = f"t{indicator.pk}-{name}"
                label = {
                    "baseline_year": _("Baseline year of %(code)s"),
                    "baseline_value": _("Baseline value of %(code)s"),
                    "target_year": _("Target year of %(code)s"),
                    "target_value": _("Target value of %(code)s"),
                }[name] % {"code": indicator.code}
                initial = getattr(target, name) if target else None
                if name.endswith("year"):
                    field = forms.IntegerField(
                        label=label, required=False, min_value=1990, max_value=2100, initial=initial
                    )
                else:
                    field = forms.FloatField(
                        label=label,
                        required=False,
                        initial=initial,
                        widget=forms.NumberInput(attrs={"step": "any"}),
                    )
                self.fields[key] = field
                names[name] = key
            self.rows.append((indicator, names))

    def entries(self):
        from .services import TargetEntry

        return [
            TargetEntry(
                indicator=indicator,
                **{name: self.cleaned_data.get(key) for name, key in names.items()},
            )
            for indicator, names in self.rows
        ]

    def bound_rows(self):
        return [
            (indicator, [self[key] for key in names.values()]) for indicator, names in self.rows
        ]
