"""Forms of the training pages: they parse and check the posted fields only.

The rules (a plan sent before its courses, a reason to edit a sent plan,
who may act) stay in the services; these forms turn text into dates,
decimals and choices, so that malformed input is a field error, never a 500.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from formazione.models import Course, TrainingPlan

ISO_DATE = "%Y-%m-%d"
REASON_MAX_LENGTH = 500


def _date_input() -> forms.DateInput:
    # type=date posts ISO dates whatever the browser's language.
    return forms.DateInput(attrs={"type": "date"}, format=ISO_DATE)


class PageForm(forms.Form):
    """A form styled for Bootstrap Italia: text inputs get ``form-control``."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget,
                forms.Select | forms.CheckboxInput | forms.CheckboxSelectMultiple,
            ):
                continue
            widget.attrs.setdefault("class", "form-control")


class PlanForm(PageForm):
    """A new training plan: title and period."""

    title = forms.CharField(label=_("Titolo"), max_length=160)
    period_start = forms.DateField(
        label=_("Periodo dal"), widget=_date_input(), input_formats=[ISO_DATE]
    )
    period_end = forms.DateField(
        label=_("Periodo al"),
        widget=_date_input(),
        input_formats=[ISO_DATE],
        help_text=_("Ogni corso del piano deve svolgersi in questo periodo."),
    )


class ReasonForm(PageForm):
    """The reason to change a plan the region has already received."""

    reason = forms.CharField(
        label=_("Motivo della modifica"),
        required=False,
        max_length=REASON_MAX_LENGTH,
    )


class CourseForm(ReasonForm):
    """A course of a plan, with the lines it qualifies for."""

    title = forms.CharField(label=_("Titolo del corso"), max_length=160)
    topic = forms.ChoiceField(label=_("Argomento"), choices=Course.Topic.choices)
    level = forms.ChoiceField(label=_("Livello"), choices=Course.Level.choices)
    mode = forms.ChoiceField(label=_("Modalità"), choices=Course.Mode.choices)
    starts_on = forms.DateField(
        label=_("Inizio"), widget=_date_input(), input_formats=[ISO_DATE]
    )
    ends_on = forms.DateField(
        label=_("Fine"), widget=_date_input(), input_formats=[ISO_DATE]
    )
    hours = forms.DecimalField(
        label=_("Ore"),
        min_value=Decimal("0.5"),
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    trainer = forms.CharField(label=_("Docente"), max_length=120)
    lines = forms.MultipleChoiceField(
        label=_("Linee per cui abilita"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = [
        "title",
        "topic",
        "level",
        "mode",
        "starts_on",
        "ends_on",
        "hours",
        "trainer",
        "lines",
        "reason",
    ]

    def __init__(self, *args: Any, line_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = line_choices  # type: ignore[attr-defined]

    def course_fields(self) -> dict[str, Any]:
        """Return the cleaned fields the course services take."""
        data = self.cleaned_data
        return {
            key: data[key]
            for key in (
                "title",
                "topic",
                "level",
                "mode",
                "starts_on",
                "ends_on",
                "hours",
                "trainer",
            )
        }


class AttendanceForm(PageForm):
    """A participant's hours attended, and whether the course is completed."""

    hours_attended = forms.DecimalField(
        label=_("Ore frequentate"),
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    completed = forms.BooleanField(label=_("Completato"), required=False)


class RemarksForm(PageForm):
    """The region's remarks on a plan it returns."""

    remarks = forms.CharField(
        label=_("Osservazioni per la sede"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GrantForm(PageForm):
    """A qualification the director grants without a course."""

    operator = forms.TypedChoiceField(label=_("Operatore"), coerce=int, choices=[])
    line = forms.ChoiceField(label=_("Linea"), choices=[])
    reason = forms.CharField(
        label=_("Motivo"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("Ad esempio: formazione svolta in un'altra sede."),
    )

    def __init__(
        self,
        *args: Any,
        operator_choices: list[tuple[int, str]],
        line_choices: list[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = operator_choices  # type: ignore[attr-defined]
        self.fields["line"].choices = line_choices  # type: ignore[attr-defined]


class RevokeForm(PageForm):
    """The revocation of a live qualification, with its reason."""

    qualification = forms.TypedChoiceField(
        label=_("Abilitazione"), coerce=int, choices=[]
    )
    reason = forms.CharField(label=_("Motivo della revoca"), max_length=500)

    def __init__(
        self, *args: Any, qualification_choices: list[tuple[int, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["qualification"].choices = qualification_choices  # type: ignore[attr-defined]


STATE_CHOICES = [("", _("Tutti")), *TrainingPlan.State.choices]


def form_errors_text(form: forms.Form) -> str:
    """Return a form's errors as one sentence per field, for an alert."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(error) for error in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)
