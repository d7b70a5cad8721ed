"""Forms of the registry's pages; they parse input, the services decide."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordResetForm
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from d4sme.core.tasks import email_send
from d4sme.core.widgets import CachedSelect

from . import selectors
from .models import Economy, Organisation, OrganisationKind, Region, SizeClass, User


class SignUpForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("first_name", "last_name", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


def isic_division_choices() -> list:
    """Return ISIC divisions grouped under their sections, for a <select> with optgroups."""
    from .content import isic_sections

    return [("", "—")] + [
        (f"{letter} — {title}", [(code, f"{code} — {name}") for code, name in divisions])
        for letter, title, divisions in isic_sections()
    ]


class OrganisationForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (OrganisationKind.SME, OrganisationKind.SME.label),
            (OrganisationKind.LARGE_FIRM, OrganisationKind.LARGE_FIRM.label),
        ],
    )
    isic_division = forms.ChoiceField(
        label=_("Sector (ISIC Rev.4 division)"), required=False, choices=isic_division_choices
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = (
            "kind",
            "legal_name",
            "short_name",
            "economy",
            "region",
            "isic_division",
            "employees",
            "founded_year",
            "women_led",
            "youth_led",
            "rural",
            "website",
        )
        labels = {
            "women_led": _("Women-led"),
            "youth_led": _("Youth-led (owner under 35)"),
            "rural": _("Located in a rural area"),
        }

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]
        self.fields["economy"].required = True
        self.fields["economy"].queryset = Economy.objects.order_by("name")
        economy = self.data.get("economy") or getattr(self.instance, "economy_id", None)
        self.fields["region"].queryset = (
            Region.objects.filter(economy_id=economy) if economy else Region.objects.none()
        )
        self.fields["region"].help_text = _("Choose the economy first.")
        self.fields["economy"].widget.attrs.update(
            {
                "hx-get": reverse("registry:region-options"),
                "hx-target": "#id_region",
                "hx-trigger": "change",
            }
        )

    def _post_clean(self) -> None:
        # Validation belongs to the service (organisation_validate), called by the view.
        pass


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name starts with"), required=False, max_length=100)
    economy = forms.ModelChoiceField(
        label=_("Economy"),
        required=False,
        queryset=Economy.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("All economies"),
        widget=CachedSelect,
    )
    sector = forms.ChoiceField(
        label=_("Sector (ISIC section)"), required=False, widget=CachedSelect
    )
    size_class = forms.ChoiceField(
        label=_("Size class"),
        required=False,
        choices=[("", _("All sizes")), *SizeClass.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrganisationKind.choices]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("All sectors"))] + [
            (code, f"{code} — {title}") for code, title in selectors.isic_sections()
        ]

    def filters(self) -> selectors.DirectoryFilters:
        data = self.cleaned_data
        return selectors.DirectoryFilters(
            economy=data["economy"].code if data.get("economy") else None,
            sector=data.get("sector") or None,
            size_class=data.get("size_class") or None,
            kind=data.get("kind") or None,
            q=data.get("q") or None,
        )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. 'nightly export'."),
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the e-mail sent by the task worker, not the request."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html_body = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else None
        )
        email_send.enqueue(subject=subject, body=body, to=[to_email], html_body=html_body)
