from django import forms
from django.utils.translation import gettext_lazy as _

from d4sme.programmes.selectors import published_programmes
from d4sme.registry.selectors import vocabulary_terms

from .models import Case, CaseStatus, Outcome


class CaseForm(forms.ModelForm):
    """The guided form an SME or an analyst fills in to write a case."""

    technologies = forms.ModelMultipleChoiceField(
        label=_("Technologies adopted"),
        queryset=vocabulary_terms(vocabulary="technologies"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    barriers = forms.ModelMultipleChoiceField(
        label=_("Barriers faced"),
        queryset=vocabulary_terms(vocabulary="barriers"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes used"),
        queryset=published_programmes().order_by("name"),
        required=False,
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )

    class Meta:
        model = Case
        fields = [
            "title",
            "language",
            "economy",
            "isic_section",
            "size_class",
            "women_led",
            "youth_led",
            "anonymised",
            "period",
            "summary",
            "preconditions",
            "challenges",
            "technologies",
            "barriers",
            "solutions",
            "support",
            "lessons",
            "outcomes_text",
            "consent",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 4})
            for f in (
                "summary",
                "preconditions",
                "challenges",
                "solutions",
                "support",
                "lessons",
                "outcomes_text",
            )
        }

    def __init__(self, *args, **kwargs):
        from d4sme.registry.content import isic_sections

        super().__init__(*args, **kwargs)
        self.fields["isic_section"].widget = forms.Select(
            choices=[("", "—")]
            + [(letter, f"{letter} — {title}") for letter, title, _d in isic_sections()]
        )
        self.fields["language"].widget = forms.Select(
            choices=[("en", "English"), ("ko", "한국어"), ("pt", "Português"), ("es", "Español")]
        )
        if self.instance.pk:
            self.fields["technologies"].initial = [s.term_id for s in self.instance.pathway.all()]


OutcomeFormSet = forms.inlineformset_factory(
    Case,
    Outcome,
    fields=["measure", "before", "after", "unit"],
    extra=2,
    max_num=6,
    can_delete=True,
)

OUTCOME_FIELDS = ("measure", "before", "after", "unit")


def outcome_rows(formset) -> list[dict]:
    """Return the outcomes a valid formset keeps, as field values for the service."""
    return [
        {name: form.cleaned_data.get(name) for name in OUTCOME_FIELDS}
        for form in formset.forms
        if form.cleaned_data.get("measure") and not form.cleaned_data.get("DELETE")
    ]


class TranslationForm(forms.Form):
    """The case's text in another language, written by its author or a moderator."""

    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("en", "English"), ("ko", "한국어"), ("pt", "Português"), ("es", "Español")],
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    challenges = forms.CharField(label=_("Challenges"), widget=forms.Textarea(attrs={"rows": 4}))
    solutions = forms.CharField(label=_("Solutions"), widget=forms.Textarea(attrs={"rows": 4}))
    lessons = forms.CharField(
        label=_("Lessons"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
