import re
from collections import Counter

import pytest
from django.core.management import call_command

from d4sme.registry.generator import organisations_generate
from d4sme.registry.models import Organisation

pytestmark = pytest.mark.django_db


def test_generated_smes_are_synthetic_valid_and_mostly_micro():
    assert organisations_generate(count=3000, seed=7) == 3000
    smes = Organisation.objects.filter(is_synthetic=True)
    assert smes.count() == 3000
    sizes = Counter(smes.values_list("size_class", flat=True))
    assert sizes["micro"] > 0.8 * 3000
    assert sizes["small"] > 0 and sizes["medium"] > 0 and sizes["large"] == 0
    assert smes.values("economy").distinct().count() > 15
    assert smes.values("isic_section").distinct().count() > 10
    assert not smes.filter(isic_section="").exists()


def test_generated_divisions_belong_to_their_sections():
    from d4sme.registry.selectors import isic_section_of_division

    organisations_generate(count=500, seed=3)
    for section, division in Organisation.objects.filter(is_synthetic=True).values_list(
        "isic_section", "isic_division"
    ):
        assert isic_section_of_division(division) == section


def test_the_same_seed_gives_the_same_smes():
    organisations_generate(count=200, seed=42)
    first = list(
        Organisation.objects.order_by("id").values_list("legal_name", "economy_id", "employees")
    )
    Organisation.objects.filter(is_synthetic=True).delete()
    organisations_generate(count=200, seed=42)
    second = list(
        Organisation.objects.order_by("id").values_list("legal_name", "economy_id", "employees")
    )
    assert first == second


def test_generate_command_reports_rows_per_second(capsys):
    call_command("generate", smes=100, seed=1)
    assert "Created 100 synthetic SMEs" in capsys.readouterr().out


def test_a_bulk_load_rebuilds_the_directory_indexes(database_vendor):
    from django.db import connection

    def index_names() -> set[str]:
        with connection.cursor() as cursor:
            return set(
                connection.introspection.get_constraints(cursor, Organisation._meta.db_table)
            )

    before = index_names()
    organisations_generate(count=300, seed=5, rebuild_indexes=True)
    assert Organisation.objects.filter(is_synthetic=True).count() == 300
    assert {index.name for index in Organisation._meta.indexes} <= index_names() == before


def test_generated_names_carry_legal_forms_of_their_own_economy():
    from d4sme.registry.content import CONTENT_DIR, read_yaml

    forms = read_yaml(CONTENT_DIR / "synthetic.yaml")["legal_forms"]
    organisations_generate(count=3000, seed=11)
    names = list(
        Organisation.objects.filter(is_synthetic=True).values_list("economy", "legal_name")
    )
    for economy, name in names:
        patterns = [
            re.escape(form).replace(re.escape("{}"), r"[A-Z][\w ]+[a-z]")
            for form in forms.get(economy, forms["default"])
        ]
        assert any(re.fullmatch(p, name) for p in patterns), (economy, name)
    korean = [name for economy, name in names if economy == "KR"]
    assert korean and not [n for n in korean if n.endswith(("S.A.", "Ltda.", "GmbH", "LLC"))]
    brazilian = [name for economy, name in names if economy == "BR"]
    assert not [n for n in brazilian if n.endswith(("Co., Ltd.", "Pte. Ltd.", "Inc."))]
