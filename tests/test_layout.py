"""The shared layout: apps add their own menu entries, so core's templates name no domain app."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

import d4sme.core

DOMAIN_APPS = ("registry", "programmes", "assessments", "casestudies", "monitoring")


def test_core_templates_name_no_domain_app():
    templates = Path(d4sme.core.__file__).parent / "templates"
    named = {
        (path.name, match)
        for path in templates.rglob("*.html")
        for match in re.findall(r"{%\s*url\s+['\"](\w+):", path.read_text())
        if match in DOMAIN_APPS
    }
    assert not named


@pytest.mark.django_db
def test_the_main_menu_shows_each_app_and_the_signed_in_entries_only_when_signed_in(client, world):
    public = client.get(reverse("home")).content.decode()
    for url_name in (
        "programmes:programme-list",
        "assessments:home",
        "casestudies:case-list",
        "monitoring:home",
        "registry:organisation-directory",
    ):
        assert f'href="{reverse(url_name)}"' in public
    assert f'href="{reverse("registry:api-tokens")}"' not in public

    client.force_login(world.user("sme_a"))
    signed_in = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("registry:api-tokens")}"' in signed_in
    assert f'href="{reverse("programmes:application-list")}"' in signed_in
