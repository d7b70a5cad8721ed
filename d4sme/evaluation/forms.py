"""The form an analyst plans an evaluation with."""

from django import forms
from django.utils.translation import gettext_lazy as _

from d4sme.programmes.selectors import programmes_with_participants

from .models import Covariate, Evaluation


class EvaluationForm(forms.ModelForm):
    programme = forms.ModelChoiceField(
        queryset=None,
        label=_("Programme"),
        help_text=_("Programmes with participants in at least one cohort."),
    )
    covariates = forms.MultipleChoiceField(
        label=_("Covariates (measured before entry)"),
        choices=Covariate.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[Covariate.OUTCOME_BEFORE, Covariate.FIRM_AGE, Covariate.SECTOR],
        help_text=_("What the propensity model and the balance table look at."),
    )

    class Meta:
        model = Evaluation
        fields = [
            "programme",
            "title",
            "question",
            "outcome",
            "design",
            "covariates",
            "exact_sector",
            "caliper",
            "ratio",
            "replace",
            "horizon",
            "control_group",
            "seed",
        ]
        widgets = {"question": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "caliper": _(
                "A participant without a comparison firm this close (in standard deviations of "
                "the propensity score) stays unmatched. Leave empty for no caliper."
            ),
            "seed": _(
                "Fixes the refutation tests' random draws, so a re-run gives the same result."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_with_participants()
