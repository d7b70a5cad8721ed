from django import forms
from django.utils.translation import gettext_lazy as _

from d4sme.registry.models import Term

from .models import Case, CaseStatus


class CaseForm(forms.ModelForm):
    """The guided form an SME or an analyst fills in to write a case."""

    technologies = forms.ModelMultipleChoiceField(
        label=_("Technologies adopted"),
        queryset=Term.objects.filter(vocabulary_id="technologies"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    barriers = forms.ModelMultipleChoiceField(
        label=_("Barriers faced"),
        queryset=Term.objects.filter(vocabulary_id="barriers"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
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
            "consent",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 4})
            for f in ("summary", "preconditions", "challenges", "solutions", "support", "lessons")
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


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
