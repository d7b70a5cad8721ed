"""Forms of the programme pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from d4sme.registry.selectors import economy_list, isic_sections, vocabulary_terms

from .models import ApplicationStatus, Cohort, Participation, Programme
from .services import PROGRAMME_FIELDS


class ApplicationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Apply for"), queryset=None)
    motivation = forms.CharField(
        label=_("What do you want to achieve with this support?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


class DecisionForm(forms.Form):
    # No decision is preselected: the manager chooses one.
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("Choose a decision"))]
        + [
            (s, s.label)
            for s in (
                ApplicationStatus.ACCEPTED,
                ApplicationStatus.WAITLISTED,
                ApplicationStatus.REJECTED,
            )
        ],
    )
    reason = forms.CharField(
        label=_("Reason (the applicant reads it)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ("name", "starts_on")
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"})}


class ParticipationForm(forms.ModelForm):
    class Meta:
        model = Participation
        fields = (
            "started_on",
            "ended_on",
            "support_hours",
            "support_amount",
            "support_currency",
            "sales_before",
            "sales_after",
            "employment_before",
            "employment_after",
            "still_operating",
        )
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "ended_on": forms.DateInput(attrs={"type": "date"}),
        }

    def _post_clean(self) -> None:
        pass  # the service validates


class CurationForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OverlapDecisionForm(forms.Form):
    first = forms.CharField(widget=forms.HiddenInput)
    second = forms.CharField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[("confirmed", _("Confirm overlap")), ("dismissed", _("Dismiss"))],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ProgrammeForm(forms.ModelForm):
    """What an agency or a focal point states about a programme; the curators check it."""

    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    support_categories = forms.ModelMultipleChoiceField(
        label=_("Support categories"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    technologies = forms.ModelMultipleChoiceField(
        label=_("Technologies"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    barriers = forms.ModelMultipleChoiceField(
        label=_("Barriers addressed"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    instrument_name = forms.CharField(
        label=_("Main instrument"),
        max_length=300,
        help_text=_("For example: grants for e-commerce tools."),
    )
    instrument_type = forms.ModelChoiceField(label=_("Instrument type"), queryset=None)
    size_classes = forms.MultipleChoiceField(
        label=_("For firms of size"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("micro", _("Micro (1-9)")),
            ("small", _("Small (10-49)")),
            ("medium", _("Medium (50-249)")),
            ("large", _("Large (250+)")),
        ],
    )
    sections = forms.MultipleChoiceField(
        label=_("For sectors (ISIC sections)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    women_led = forms.BooleanField(label=_("Only women-led firms"), required=False)
    youth_led = forms.BooleanField(label=_("Only youth-led firms"), required=False)
    rural = forms.BooleanField(label=_("Only rural firms"), required=False)
    max_firm_age = forms.IntegerField(
        label=_("Firms at most this many years old"), required=False, min_value=0
    )

    class Meta:
        model = Programme
        fields = PROGRAMME_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, vocabulary in (
            ("themes", "stip-themes"),
            ("support_categories", "support-categories"),
            ("target_groups", "target-groups"),
            ("technologies", "technologies"),
            ("barriers", "barriers"),
        ):
            self.fields[name].queryset = vocabulary_terms(vocabulary=vocabulary, leaves=True)
        # An instrument type is a type proper, never the family that groups types.
        self.fields["instrument_type"].queryset = vocabulary_terms(
            vocabulary="stip-instrument-types", leaves=True
        )
        self.fields["sections"].choices = [
            (code, f"{code} — {title}") for code, title in isic_sections()
        ]
        self.fields["responsible"].queryset = organisations
        self.fields["economy"].queryset = economy_list()
        if self.instance.pk:
            chosen = set(self.instance.classifications.values_list("pk", flat=True))
            for name in (
                "themes",
                "support_categories",
                "target_groups",
                "technologies",
                "barriers",
            ):
                self.initial[name] = [
                    pk
                    for pk in self.fields[name].queryset.values_list("pk", flat=True)
                    if pk in chosen
                ]
            instrument = self.instance.instruments.first()
            if instrument:
                self.initial.update(
                    instrument_name=instrument.name, instrument_type=instrument.type_id
                )
            self.initial.update(
                {k: v for k, v in self.instance.eligibility.items() if k in self.fields}
            )

    def _post_clean(self) -> None:
        pass  # the service validates the whole programme

    def eligibility_rules(self) -> dict:
        data = self.cleaned_data
        rules = {key: data[key] for key in ("size_classes", "sections") if data.get(key)}
        rules.update({flag: True for flag in ("women_led", "youth_led", "rural") if data.get(flag)})
        if data.get("max_firm_age") is not None:
            rules["max_firm_age"] = data["max_firm_age"]
        return rules

    def terms(self) -> list:
        return [
            t
            for name in (
                "themes",
                "support_categories",
                "target_groups",
                "technologies",
                "barriers",
            )
            for t in self.cleaned_data.get(name) or []
        ]
