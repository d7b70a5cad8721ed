import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from d4sme.programmes.exports import (
    CODEBOOK,
    TABLES,
    export_csv_zip,
    export_json,
    export_tables,
    export_xlsx,
)
from d4sme.programmes.imports import (
    ProgrammeImportError,
    import_csv_zip,
    import_tables,
    import_xlsx,
)
from d4sme.programmes.models import CurationStatus, Instrument, Programme
from d4sme.programmes.selectors import TERM_FACETS
from d4sme.programmes.services import programme_save, search_text_of
from d4sme.registry.models import Organisation, OrganisationKind, Role, Term, User, Vocabulary
from d4sme.registry.services import membership_grant
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

UNPUBLISHED = ("draft-plan", "submitted-plan", "returned-plan")


def term(vocabulary: str, index: int = 0) -> Term:
    return Term.objects.filter(vocabulary_id=vocabulary).order_by("position", "code")[index]


@pytest.fixture
def instrument_types(content) -> dict[str, Term]:
    # The STIP instrument types ship with the programmes' content; tests that run without
    # them make the two they use.
    vocabulary, _ = Vocabulary.objects.get_or_create(
        code=TERM_FACETS["instrument"], defaults={"name": "Instrument types", "version": "test"}
    )
    codes = {"grants": "business-innovation-grants", "loans": "innovation-loans-credits"}
    found = {}
    for key, code in codes.items():
        found[key], _ = Term.objects.get_or_create(
            vocabulary=vocabulary, code=code, defaults={"name": code}
        )
    return found


def make_programme(code: str, *, instruments=(), terms=(), partners=(), **fields) -> Programme:
    programme = programme_save(Programme(code=code, **fields))
    for instrument_code, kind, amount in instruments:
        Instrument.objects.create(
            programme=programme,
            code=instrument_code,
            name=f"{instrument_code.title()} for firms",
            type=kind,
            budget_amount=amount,
        )
    programme.classifications.set(terms)
    programme.co_implementers.set(partners)
    return programme


@pytest.fixture
def programmes(instrument_types) -> list[Programme]:
    makers = Organisation.objects.create(
        kind=OrganisationKind.ASSOCIATION, legal_name="Seoul Makers' Association", economy_id="KR"
    )
    published = [
        make_programme(
            "kr-smart-factory",
            name='Smart Factory, "Korea"',
            acronym="SFK",
            original_language="ko",
            original_name="스마트공장 보급확산",
            translations={"ko": "스마트공장", "pt": "Fábrica inteligente"},
            description="Helps manufacturers digitise.\nSecond line; with, commas.",
            description_translations={
                "ko": "제조업체의 디지털화를 돕습니다.",
                "es": "Ayuda a digitalizar.",
            },
            economy_id="KR",
            government_level="national",
            responsible=Organisation.objects.get(code="kr-kosmo"),
            start_year=2014,
            end_year=2027,
            status="active",
            budget_amount=Decimal("1234567890.55"),
            budget_currency="KRW",
            budget_year=2024,
            budget_band="100m-500m",
            website="https://www.smart-factory.kr/",
            evaluated=True,
            eligibility={
                "size_classes": ["micro", "small"],
                "sections": ["C", "J"],
                "women_led": True,
                "min_firm_age": 1,
                "max_firm_age": 7,
            },
            curation_status=CurationStatus.PUBLISHED,
            instruments=[
                ("grants", instrument_types["grants"], Decimal("500000.25")),
                ("loans", instrument_types["loans"], None),
            ],
            terms=[
                term("barriers"),
                term("barriers", 1),
                term("target-groups"),
                term("technologies", 2),
                term("support-categories", 1),
            ],
            partners=[Organisation.objects.get(code="kr-smba"), makers],
        ),
        make_programme(
            "br-digital-start",
            name="Digital Start",
            economy_id="BR",
            government_level="regional",
            status="planned",
            eligibility={"rural": True, "regions": []},
            curation_status=CurationStatus.PUBLISHED,
            instruments=[("grants", instrument_types["grants"], None)],
            terms=[term("target-groups", 1)],
        ),
        make_programme(
            "global-sme-network",
            name="=Global SME network",
            curation_status=CurationStatus.PUBLISHED,
        ),
    ]
    for code, status in zip(UNPUBLISHED, ("draft", "submitted", "returned"), strict=True):
        make_programme(
            code,
            name=f"Unpublished {status}",
            economy_id="KR",
            curation_status=status,
            instruments=[("grants", instrument_types["grants"], None)],
            terms=[term("barriers")],
            eligibility={"youth_led": True},
        )
    return published


@pytest.fixture
def curator(content) -> User:
    """An analyst: curators publish programmes, and an import publishes what it writes."""
    user = make_user("curator@example.org")
    membership_grant(
        user=user, organisation=Organisation.objects.get(code="oecd"), role=Role.ANALYST
    )
    return user


def snapshot(programme: Programme) -> dict:
    """Return everything an export carries about a programme, with its relations."""
    values = {
        f.attname: getattr(programme, f.attname)
        for f in Programme._meta.concrete_fields
        # Neither the row's identity and times nor its provenance are open data.
        if f.attname not in ("id", "created_at", "updated_at", "source", "submitted_by_id")
    }
    # The search text is rebuilt on import from the names, whose order in the stored JSON the
    # database may change (PostgreSQL's jsonb does); search looks for words, not their order.
    values["search_text"] = sorted(programme.search_text.split())
    values["instruments"] = sorted(
        programme.instruments.values_list("code", "name", "type_id", "budget_amount")
    )
    values["classifications"] = sorted(programme.classifications.values_list("pk", flat=True))
    values["co_implementers"] = sorted(programme.co_implementers.values_list("pk", flat=True))
    return values


def snapshots() -> dict[str, dict]:
    return {p.code: snapshot(p) for p in Programme.objects.all()}


def exported_codes(tables: dict[str, list[dict]]) -> list[str]:
    return sorted({row["programme_code"] for row in tables["programmes"]})


def rows_of(tables: dict[str, list[dict]], table: str, code: str) -> list[dict]:
    return [row for row in tables[table] if row["programme_code"] == code]


def edit_csv_zip(data: bytes, table: str, edit) -> bytes:
    """Return the archive with ``edit(rows)`` applied to one table (rows include the header)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            text = source.read(name).decode("utf-8")
            if name == f"{table}.csv":
                rows = list(csv.reader(io.StringIO(text, newline="")))
                edit(rows)
                out = io.StringIO(newline="")
                csv.writer(out).writerows(rows)
                text = out.getvalue()
            target.writestr(name, text)
    return buffer.getvalue()


def row_of(rows: list[list[str]], **match) -> int:
    """Return the spreadsheet row number (the header is row 1) of the first matching row."""
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if all(row[header.index(k)] == v for k, v in match.items()):
            return number
    raise AssertionError(f"no row with {match}")


@pytest.mark.parametrize(
    ("export", "load"), [(export_csv_zip, import_csv_zip), (export_xlsx, import_xlsx)]
)
def test_round_trip_recreates_deleted_programmes_field_by_field(programmes, export, load, curator):
    before, tables = snapshots(), export_tables()
    exported = exported_codes(tables)
    data = export()
    Programme.objects.filter(code__in=exported).delete()

    report = load(data, user=curator)

    assert sorted(report.created) == exported and report.updated == []
    assert snapshots() == before
    assert export_tables() == tables
    smart = Programme.objects.get(code="kr-smart-factory")
    assert smart.search_text == search_text_of(smart) and "스마트공장" in smart.search_text
    assert smart.eligibility == programmes[0].eligibility
    assert [i.code for i in smart.instruments.all()] == ["grants", "loans"]


def test_importing_an_export_again_updates_and_changes_nothing(programmes, curator):
    before, data = snapshots(), export_csv_zip()

    report = import_csv_zip(data, user=curator)

    assert sorted(report.updated) == exported_codes(export_tables()) and report.created == []
    assert snapshots() == before


def test_an_import_replaces_instruments_classifications_and_rules(programmes, curator):
    tables = export_tables()
    tables["programmes"] = [
        r
        for r in tables["programmes"]
        if (r["programme_code"], r["instrument_code"]) != ("kr-smart-factory", "loans")
    ]
    tables["classifications"] = [
        r for r in tables["classifications"] if r["programme_code"] != "kr-smart-factory"
    ]
    tables["eligibility"] = [
        r for r in tables["eligibility"] if r["rule"] not in ("women_led", "sections")
    ]
    # An unpublished programme named in the tables takes their content and is published.
    (global_row,) = rows_of(tables, "programmes", "global-sme-network")
    tables["programmes"].append({**global_row, "programme_code": "draft-plan"})

    import_tables(tables, user=curator)

    smart = Programme.objects.get(code="kr-smart-factory")
    assert list(smart.instruments.values_list("code", flat=True)) == ["grants"]
    assert not smart.classifications.exists()
    assert smart.eligibility == {
        "size_classes": ["micro", "small"],
        "min_firm_age": 1,
        "max_firm_age": 7,
    }
    draft = Programme.objects.get(code="draft-plan")
    assert draft.curation_status == CurationStatus.PUBLISHED
    assert draft.name == "=Global SME network" and draft.economy_id is None
    assert not draft.instruments.exists() and not draft.classifications.exists()
    assert draft.eligibility == {}


def test_a_malformed_import_changes_nothing_and_names_the_rows(programmes, curator):
    data = export_csv_zip()
    lines = {}

    def bad_economy(rows):
        lines["economy"] = row_of(rows, programme_code="br-digital-start")
        rows[lines["economy"] - 1][rows[0].index("economy")] = "ZZ"
        # A valid change and a new programme alongside: neither may be applied.
        rows[1][rows[0].index("name")] = "Renamed"
        rows.append(["brand-new-programme", *rows[-1][1:]])

    def unknown_term(rows):
        lines["term"] = row_of(rows, programme_code="kr-smart-factory", vocabulary="barriers")
        rows[lines["term"] - 1][rows[0].index("term_code")] = "foo"

    data = edit_csv_zip(data, "programmes", bad_economy)
    data = edit_csv_zip(data, "classifications", unknown_term)
    before = snapshots()

    with pytest.raises(ProgrammeImportError) as caught:
        import_csv_zip(data, user=curator)

    assert caught.value.errors == [
        f"programmes row {lines['economy']}: economy 'ZZ' is not an ISO 3166 code",
        f"classifications row {lines['term']}: no term 'foo' in vocabulary barriers",
    ]
    assert snapshots() == before


def test_row_errors_cover_every_table(programmes, curator):
    tables = export_tables()
    grants, loans = rows_of(tables, "programmes", "kr-smart-factory")
    grants.update(start_year="soon", instrument_type="magic")
    loans["status"] = "paused"  # the same programme's second row: also a conflict
    sizes = next(
        r for r in rows_of(tables, "eligibility", "kr-smart-factory") if r["rule"] == "size_classes"
    )
    sizes["value"] = "micro|huge"
    partner = rows_of(tables, "co_implementers", "kr-smart-factory")[0]
    partner["organisation"] = "nobody-at-all"
    tables["translations"].append({"programme_code": "missing", "language": "fr", "name": "X"})

    with pytest.raises(ProgrammeImportError) as caught:
        import_tables(tables, user=curator)

    def row(table, entry):
        return f"{table} row {tables[table].index(entry) + 2}"

    instrument_types = TERM_FACETS["instrument"]
    assert sorted(caught.value.errors) == sorted(
        [
            f"{row('programmes', grants)}: start_year 'soon' is not a whole number",
            f"{row('programmes', grants)}: no instrument type 'magic' in vocabulary {instrument_types}",
            f"{row('programmes', loans)}: start_year differs from row {tables['programmes'].index(grants) + 2} of the same programme",
            f"{row('programmes', loans)}: status differs from row {tables['programmes'].index(grants) + 2} of the same programme",
            f"{row('eligibility', sizes)}: Unknown size classes: huge.",
            f"{row('co_implementers', partner)}: organisation 'nobody-at-all' is no organisation's code or legal name",
            f"translations row {len(tables['translations']) + 1}: programme 'missing' is not in the programmes table",
        ]
    )


def test_the_model_validation_reports_against_the_programme_row(programmes, curator):
    tables = export_tables()
    row = next(r for r in tables["programmes"] if r["programme_code"] == "br-digital-start")
    row.update(start_year=2020, end_year=2019, website="not a web address")

    with pytest.raises(ProgrammeImportError) as caught:
        import_tables(tables, user=curator)

    number = tables["programmes"].index(row) + 2
    assert f"programmes row {number}: website: Enter a valid URL." in caught.value.errors
    assert any(e.startswith(f"programmes row {number}: Constraint") for e in caught.value.errors)


def test_a_legal_name_shared_by_two_organisations_is_ambiguous(programmes, curator):
    Organisation.objects.create(kind=OrganisationKind.SME, legal_name="Seoul Makers' Association")
    tables = export_tables()
    number = 2 + next(
        i
        for i, r in enumerate(tables["co_implementers"])
        if r["organisation"] == "Seoul Makers' Association"
    )
    with pytest.raises(ProgrammeImportError) as caught:
        import_tables(tables, user=curator)
    assert caught.value.errors == [
        f"co_implementers row {number}: organisation 'Seoul Makers' Association' names several "
        "organisations; give its code"
    ]


def test_a_missing_table_or_column_is_reported_before_any_row(programmes, curator):
    tables = export_tables()
    del tables["translations"]
    for row in tables["programmes"]:
        del row["economy"]
    with pytest.raises(ProgrammeImportError) as caught:
        import_tables(tables, user=curator)
    assert caught.value.errors == [
        "programmes: there is no column 'economy'",
        "There is no translations table (translations.csv, or a sheet named translations);"
        " export a file to see the layout.",
    ]


def test_unpublished_programmes_never_appear_in_exports(programmes):
    tables = export_tables()
    codes = {row["programme_code"] for rows in tables.values() for row in rows}
    assert codes >= {p.code for p in programmes}
    assert not codes & set(UNPUBLISHED)
    archive = zipfile.ZipFile(io.BytesIO(export_csv_zip()))
    text = "".join(archive.read(name).decode() for name in archive.namelist())
    workbook = load_workbook(io.BytesIO(export_xlsx()), read_only=True)
    cells = {str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row}
    document = json.dumps(export_json(), default=str)
    for code in UNPUBLISHED:
        assert code not in text and code not in cells and code not in document


def test_the_json_nests_each_programme_with_its_rows(programmes):
    document = export_json()
    smart = next(p for p in document["programmes"] if p["programme_code"] == "kr-smart-factory")
    assert smart["budget_amount"] == "1234567890.55"
    assert [i["instrument_code"] for i in smart["instruments"]] == ["grants", "loans"]
    assert smart["instruments"][0]["instrument_budget_amount"] == "500000.25"
    assert smart["eligibility"][0] == {"rule": "size_classes", "value": ["micro", "small"]}
    assert {"organisation": "kr-smba"} in smart["co_implementers"]
    assert smart["translations"] == [
        {"language": "ko", "name": "스마트공장", "description": "제조업체의 디지털화를 돕습니다."},
        {"language": "pt", "name": "Fábrica inteligente", "description": ""},
        {"language": "es", "name": "", "description": "Ayuda a digitalizar."},
    ]
    assert len(smart["classifications"]) == 5
    assert document["codebook"] == CODEBOOK
    json.dumps(document)  # plain JSON, nothing that needs an encoder


def test_the_codebook_describes_every_column_of_every_table(programmes):
    described = {(c["table"], c["column"]) for c in CODEBOOK}
    assert len(described) == len(CODEBOOK)
    for table, rows in export_tables().items():
        assert rows, f"the fixture leaves {table} empty"
        assert list(rows[0]) == list(TABLES[table])
        assert {(table, column) for column in rows[0]} <= described
    assert described == {(t, c) for t, columns in TABLES.items() for c in columns}
    for entry in CODEBOOK:
        assert entry["type"] in {"code", "text", "integer", "decimal", "boolean"}
        assert len(entry["description"]) > 20 and entry["description"].endswith((".", ")"))
    archive = zipfile.ZipFile(io.BytesIO(export_csv_zip()))
    assert sorted(archive.namelist()) == sorted(f"{t}.csv" for t in [*TABLES, "codebook"])
    codebook = list(csv.DictReader(io.StringIO(archive.read("codebook.csv").decode())))
    assert codebook == CODEBOOK
    for table, columns in TABLES.items():
        header = next(csv.reader(io.StringIO(archive.read(f"{table}.csv").decode())))
        assert tuple(header) == columns
    workbook = load_workbook(io.BytesIO(export_xlsx()), read_only=True)
    assert workbook.sheetnames == [*TABLES, "codebook"]
    assert workbook["codebook"].max_row == len(CODEBOOK) + 1


def test_the_commands_export_and_import_and_fail_with_the_rows(programmes, tmp_path, curator):
    for output_format, suffix in (("csv", "zip"), ("xlsx", "xlsx"), ("json", "json")):
        call_command(
            "export_programmes",
            format=output_format,
            output=str(tmp_path / f"p.{suffix}"),
            stdout=io.StringIO(),
        )
    exported = exported_codes(export_tables())
    document = json.loads((tmp_path / "p.json").read_text())
    assert sorted(p["programme_code"] for p in document["programmes"]) == exported
    out = io.StringIO()
    call_command("import_programmes", str(tmp_path / "p.xlsx"), user=curator.email, stdout=out)
    assert out.getvalue().strip() == f"0 programme(s) created, {len(exported)} updated."

    lines = {}

    def bad_economy(rows):
        lines["global"] = row_of(rows, programme_code="global-sme-network")
        rows[lines["global"] - 1][rows[0].index("economy")] = "ZZ"

    (tmp_path / "bad.zip").write_bytes(
        edit_csv_zip((tmp_path / "p.zip").read_bytes(), "programmes", bad_economy)
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 error"):
        call_command("import_programmes", str(tmp_path / "bad.zip"), user=curator.email, stderr=err)
    assert (
        f"programmes row {lines['global']}: economy 'ZZ' is not an ISO 3166 code" in err.getvalue()
    )
