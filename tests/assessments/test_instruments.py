"""Instruments as data: loading, validation messages and immutable versions."""

import copy
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from d4sme.assessments.content import instrument_load
from d4sme.assessments.instruments import InstrumentError, parse
from d4sme.assessments.models import Instrument, InstrumentVersion
from d4sme.core.content import ContentError, Tally

from .conftest import extreme_answers, take
from .test_scoring import raw


def problems(data: dict) -> list[str]:
    with pytest.raises(InstrumentError) as caught:
        parse(data)
    return caught.value.problems


def test_both_instruments_ship_in_four_languages(content):
    for code in ("dma-sme", "iiot-readiness"):
        version = Instrument.objects.get(pk=code).current_version()
        definition = version.parsed
        for q in definition.questions:
            assert set(q.text) == {"en", "ko", "pt", "es"}, q.code
        assert definition.label


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d["questions"][0].update(dimension="nowhere"), "dimension 'nowhere' is not declared"),
        (lambda d: d["questions"][1].update(type="slider"), "type must be one of"),
        (lambda d: d["questions"][1]["text"].pop("ko"), "questions[1] (q2).text: missing translation for ko"),
        (lambda d: d["bands"][-1].update(upto=90), "the last band must end at 100"),
        (lambda d: d["questions"][2]["options"][0].pop("points"), "each option needs its points"),
        (lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])), "code 'q1' is used twice"),
        (lambda d: d["rules"][0]["when"].update(selected={"question": "q7", "option": "x"}), "has no option 'x'"),
        (lambda d: d["rules"][1].update(when={"sometimes": {}}), "unknown condition 'sometimes'"),
        (lambda d: d["scales"]["adoption"].clear(), "needs a non-empty list of options"),
        (lambda d: d.update(version="one"), "version: must be a whole number"),
    ],
)  # fmt: skip
def test_malformed_files_are_rejected_with_the_place_named(change, expected):
    data = copy.deepcopy(raw("dma-sme"))
    change(data)
    assert any(expected in p for p in problems(data)), problems(data)


def test_every_problem_is_reported_at_once():
    data = copy.deepcopy(raw("dma-sme"))
    data["questions"][0]["dimension"] = "nowhere"
    data["bands"][-1]["upto"] = 90
    assert len(problems(data)) >= 2


def test_load_command_refuses_a_malformed_file_and_loads_nothing(tmp_path, content):
    data = copy.deepcopy(raw("dma-sme"))
    data["code"], data["questions"][3]["scale"] = "broken", "missing-scale"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match="scale 'missing-scale' is not declared"):
        call_command("load_instrument", str(path), stdout=StringIO())
    assert not Instrument.objects.filter(pk="broken").exists()


def test_rules_must_name_barriers_of_the_vocabulary(tmp_path, content):
    data = copy.deepcopy(raw("dma-sme"))
    data["code"], data["rules"][0]["barrier"] = "odd-barrier", "bad-weather"
    path = tmp_path / "odd.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="bad-weather"):
        instrument_load(path, Tally())


def test_loading_again_changes_nothing(content):
    out = StringIO()
    call_command("load_content", stdout=out)
    assert "no changes" in out.getvalue()


def test_a_version_with_responses_never_changes(world, dma, tmp_path):
    answers = extreme_answers(dma.parsed, highest=True)
    response = take(world.user("sme_a"), world.org_a, dma, answers)
    stored = (response.overall, response.scores)

    changed = copy.deepcopy(raw("dma-sme"))
    changed["questions"][1]["options"][0]["points"] = 3
    path = tmp_path / "dma-sme.yaml"
    path.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="has responses and cannot change"):
        instrument_load(path, Tally())

    changed["version"] = 2
    path.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    version = instrument_load(path, Tally())
    assert version.number == 2 and dma.instrument.current_version() == version
    response.refresh_from_db()
    assert response.version_id == dma.pk
    assert (response.overall, response.scores) == stored
    from d4sme.assessments.services import response_rescore

    again = response_rescore(response)
    assert (again["overall"], again["dimensions"]) == (stored[0], stored[1]["dimensions"])
    assert InstrumentVersion.objects.filter(instrument=dma.instrument).count() == 2


def test_an_answered_version_refuses_edits_made_outside_the_loader(world, dma):
    from django.core.exceptions import ValidationError

    take(world.user("sme_a"), world.org_a, dma, extreme_answers(dma.parsed, highest=False))
    dma.definition["bands"][0]["upto"] = 30
    with pytest.raises(ValidationError, match="has responses and cannot change"):
        dma.save()
    dma.refresh_from_db()
    assert dma.definition["bands"][0]["upto"] == 25
