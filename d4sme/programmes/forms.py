"""Forms of the programme pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from d4sme.registry.models import Organisation

from .models import ApplicationStatus, Cohort, Participation


class ApplicationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Apply for"), queryset=Organisation.objects.none()
    )
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
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
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
