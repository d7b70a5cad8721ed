"""Forms of the assessments app; a questionnaire page is built from its instrument's data."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from .instruments import Question
from .models import Instrument, InstrumentVersion, Stage
from .scoring import AnswerError, Engine


@dataclass
class BoundQuestion:
    """A question with its form fields, as the page template renders it."""

    number: int
    question: Question
    fields: list  # single/multiple/number: [field]; grid/matrix: [(row, field)]
    error: str = ""


def _field_name(question: Question, row: str | None = None) -> str:
    return f"{question.code}__{row}" if row else question.code


class QuestionPageForm(forms.Form):
    """One page of a questionnaire. Fields are optional; completeness is checked on continue."""

    def __init__(self, *args, questions: list[Question], first_number: int, answers: dict, **kw):
        super().__init__(*args, **kw)
        self.questions = questions
        self.first_number = first_number
        self.question_errors: dict[str, str] = {}
        for q in questions:
            given = answers.get(q.code)
            if q.type == "single":
                self.fields[q.code] = forms.ChoiceField(
                    label=q.label,
                    choices=[(o.code, o.label) for o in q.options],
                    widget=forms.RadioSelect,
                    required=False,
                    initial=given,
                )
            elif q.type == "multiple":
                self.fields[q.code] = forms.MultipleChoiceField(
                    label=q.label,
                    choices=[(o.code, o.label) for o in q.options],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    initial=given or [],
                )
            elif q.type == "grid":
                for row in q.rows:
                    self.fields[_field_name(q, row.code)] = forms.ChoiceField(
                        label=row.label,
                        choices=[(o.code, o.label) for o in q.options],
                        widget=forms.RadioSelect,
                        required=False,
                        initial=(given or {}).get(row.code),
                    )
            elif q.type == "matrix":
                for row in q.rows:
                    self.fields[_field_name(q, row.code)] = forms.MultipleChoiceField(
                        label=row.label,
                        choices=[(c.code, c.label) for c in q.columns],
                        widget=forms.CheckboxSelectMultiple,
                        required=False,
                        initial=(given or {}).get(row.code, []),
                    )
            else:
                self.fields[q.code] = forms.FloatField(
                    label=q.label,
                    required=False,
                    min_value=q.minimum,
                    max_value=q.maximum,
                    initial=given,
                )

    def bound_questions(self) -> list[BoundQuestion]:
        found = []
        for i, q in enumerate(self.questions):
            if q.type in ("grid", "matrix"):
                fields = [(row, self[_field_name(q, row.code)]) for row in q.rows]
            else:
                fields = [self[q.code]]
            error = self.question_errors.get(q.code, "")
            if not error and q.type in ("single", "multiple", "number"):
                error = " ".join(str(e) for e in self[q.code].errors)
            found.append(BoundQuestion(self.first_number + i, q, fields, error))
        return found

    def answers(self) -> dict:
        """The answers given on this page, in the stored form (blank answers left out)."""
        data = self.cleaned_data
        found: dict = {}
        for q in self.questions:
            if q.type in ("single", "number"):
                value = data.get(q.code)
                if value not in (None, ""):
                    found[q.code] = value
            elif q.type == "multiple":
                found[q.code] = list(data.get(q.code) or [])
            elif q.type == "grid":
                rows = {r.code: data.get(_field_name(q, r.code)) for r in q.rows}
                rows = {k: v for k, v in rows.items() if v}
                if rows:
                    found[q.code] = rows
            else:
                rows = {r.code: list(data.get(_field_name(q, r.code)) or []) for r in q.rows}
                found[q.code] = {k: v for k, v in rows.items() if v}
        return found

    def check_complete(self, engine: Engine) -> bool:
        """Record a message for each question left unanswered or answered in a way it forbids."""
        try:
            engine.validate(self.answers(), self.questions)
        except AnswerError as exc:
            self.question_errors = exc.errors
            return False
        return True

    def valid_answers(self, engine: Engine) -> dict:
        """The answers that can be kept as they are, for saving a page left half done."""
        kept = {}
        for code, value in self.answers().items():
            try:
                engine.validate({code: value}, [q for q in self.questions if q.code == code])
            except AnswerError:
                continue
            kept[code] = value
        return kept


class StartForm(forms.Form):
    instrument = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=Instrument.objects.all(), empty_label=None
    )
    organisation = forms.ChoiceField(label=_("Organisation"))
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=Stage.choices,
        help_text=_("Before support, after support, or a later follow-up."),
    )
    participation = forms.ModelChoiceField(
        label=_("Programme participation this assessment measures"),
        queryset=None,
        required=False,
        help_text=_("Optional: link the assessment to the programme it measures."),
    )

    def __init__(self, *args, organisations, participations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["organisation"].choices = [(str(o.pk), str(o)) for o in organisations]
        self.fields["participation"].queryset = participations
        self.fields["participation"].label_from_instance = lambda p: (
            f"{p.cohort.programme} · {p.cohort} · {p.application.organisation}"
        )

    def clean_organisation(self):
        return self.organisations[self.cleaned_data["organisation"]]


class ImportForm(forms.Form):
    version = forms.ModelChoiceField(
        label=_("Questionnaire version"),
        queryset=InstrumentVersion.objects.select_related("instrument"),
        empty_label=None,
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("One row per response, with the columns of the template."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
