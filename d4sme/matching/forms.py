"""Forms of the matching pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import youth


def _tags(value: str) -> list[str]:
    return [tag.strip() for tag in value.split(",") if tag.strip()]


class CandidateForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=120)
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    skills = forms.CharField(
        label=_("Your digital skills, separated by commas"),
        max_length=1000,
        required=False,
        help_text=_("For example: Python, data analysis, web design"),
    )
    wishes = forms.CharField(
        label=_("The work you are looking for"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def clean_skills(self) -> list[str]:
        return _tags(self.cleaned_data["skills"])


class JobForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Firm"), queryset=None)
    programme = forms.ModelChoiceField(label=_("Wage-subsidy programme"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    occupation = forms.RegexField(
        label=_("Occupation (ISCO-08 code)"),
        regex=r"^[0-9]{1,4}$",
        max_length=4,
        help_text=_("For example 2512 for software developers, 2166 for graphic designers."),
    )
    digital_skills = forms.CharField(
        label=_("Digital skills wanted, separated by commas"), max_length=1000, required=False
    )
    slots = forms.IntegerField(label=_("Places"), min_value=1, max_value=1000)
    monthly_wage = forms.DecimalField(label=_("Monthly wage"), min_value=0, max_digits=12)
    subsidy_applies = forms.BooleanField(
        label=_("The programme's wage subsidy applies"), required=False, initial=True
    )

    def __init__(self, *args, organisations, programmes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["programme"].queryset = programmes
        for name in ("organisation", "programme"):
            if self.fields[name].queryset.count() == 1:
                self.fields[name].initial = self.fields[name].queryset.first()

    def clean_digital_skills(self) -> list[str]:
        return _tags(self.cleaned_data["digital_skills"])


class RunForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=[
            (youth.STABLE, _("Stable: no candidate and firm would rather be together")),
            (youth.MAX_FIT, _("Largest total fit (may leave pairs who would rather switch)")),
        ],
    )


class NeedForm(forms.Form):
    buyer = forms.ModelChoiceField(label=_("Firm"), queryset=None)
    title = forms.CharField(label=_("What you need"), max_length=200)
    isic_division = forms.RegexField(
        label=_("Sector (ISIC Rev.4 division, two digits)"), regex=r"^[0-9]{2}$", max_length=2
    )
    capabilities = forms.CharField(
        label=_("Capabilities wanted, separated by commas"), max_length=1000
    )
    region = forms.CharField(label=_("Region (ISO 3166-2 code)"), max_length=10, required=False)
    suppliers_wanted = forms.IntegerField(label=_("Suppliers wanted"), min_value=1, max_value=100)
    volume = forms.IntegerField(label=_("Volume a year (units)"), min_value=1)
    max_share = forms.FloatField(
        label=_("Largest share one supplier may hold (0-1)"), min_value=0.01, max_value=1
    )

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buyer"].queryset = organisations
        if organisations.count() == 1:
            self.fields["buyer"].initial = organisations.first()

    def clean_capabilities(self) -> list[str]:
        return _tags(self.cleaned_data["capabilities"])


class OfferForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Firm"), queryset=None)
    title = forms.CharField(label=_("What you offer"), max_length=200)
    isic_division = forms.RegexField(
        label=_("Sector (ISIC Rev.4 division, two digits)"), regex=r"^[0-9]{2}$", max_length=2
    )
    capabilities = forms.CharField(label=_("Capabilities, separated by commas"), max_length=1000)
    certifications = forms.CharField(
        label=_("Certifications, separated by commas"), max_length=1000, required=False
    )
    region = forms.CharField(label=_("Region (ISO 3166-2 code)"), max_length=10, required=False)
    capacity = forms.IntegerField(label=_("Capacity a year (units)"), min_value=1)

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = organisations
        if organisations.count() == 1:
            self.fields["supplier"].initial = organisations.first()

    def clean_capabilities(self) -> list[str]:
        return _tags(self.cleaned_data["capabilities"])

    def clean_certifications(self) -> list[str]:
        return _tags(self.cleaned_data["certifications"])
