"""The synthetic demo responses: valid answers, reproducible, and the truth put in can be found again."""

from __future__ import annotations

import json
import uuid
import warnings
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.demo.demo_plan import staff_rounds
from kundpuls.demo.responses import (
    SUBMISSION_NAMESPACE,
    DatedChange,
    GeneratedResponses,
    UnitProfile,
    generate_responses,
    submission_id,
)
from kundpuls.demo.responses.model import latent_model
from kundpuls.errors import InvalidArgument
from kundpuls.instruments import (
    DONT_KNOW,
    SurveyDefinition,
    contact_fields,
    load_template,
    stored_items,
    template_keys,
    validate_answers,
)
from kundpuls.stats.pls import PLSPathModel
from kundpuls.text.redaction import find_personal_data

START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)
CHANGE_DAY = date(2025, 7, 1)


def index_scores(frame: pd.DataFrame, definition: SurveyDefinition, name: str) -> pd.Series:
    """Respondent index 0–100 (docs/methods.md §1.4, §1.7, §10.2): equal weights renormalised over answered
    items; missing below the index's ``required_answers``."""
    index = definition.codebook.indices[name]
    items = {item.key: item for item in stored_items(definition)}
    columns = []
    for key in index.items:
        if index.kind == "scale_mean":
            item = items[key]
            lo, hi = float(item.scale_min or 0), float(item.scale_max or 0)
            columns.append(100 * (pd.to_numeric(frame[key], errors="coerce") - lo) / (hi - lo))
        else:
            positive = set(index.positive[key])
            values = frame[key]
            columns.append(
                values.map(lambda v, p=positive: np.nan if not isinstance(v, str | int) else 100.0 * (v in p))
            )
    matrix = pd.concat(columns, axis=1)
    enough = matrix.notna().sum(axis=1) >= index.required_answers
    return matrix.mean(axis=1).where(enough)


def standardised_ols(y: pd.Series, x: pd.DataFrame) -> pd.Series:
    ok = x.notna().all(axis=1) & y.notna()
    z = (x[ok] - x[ok].mean()) / x[ok].std()
    yz = (y[ok] - y[ok].mean()) / y[ok].std()
    beta = np.linalg.lstsq(
        np.column_stack([np.ones(int(ok.sum())), z.to_numpy()]), yz.to_numpy(), rcond=None
    )[0]
    return pd.Series(beta[1:], index=x.columns)


NKI_UNITS = (
    UnitProfile(code="HIGH", volume=150, shifts={"BEMOTANDE": 0.6}),
    UnitProfile(code="MID", volume=150),
    UnitProfile(code="LOW", volume=150, shifts={"BEMOTANDE": -0.6, "NKI": -0.2}),
    UnitProfile(
        code="CHANGE",
        volume=150,
        changes=(DatedChange(construct="BEMOTANDE", start=CHANGE_DAY, delta=0.8),),
    ),
)


@pytest.fixture(scope="module")
def nki() -> SurveyDefinition:
    return load_template("nki")


@pytest.fixture(scope="module")
def nki_data(nki: SurveyDefinition) -> GeneratedResponses:
    return generate_responses(nki, NKI_UNITS, start=START, end=END, seed=7)


@pytest.fixture(scope="module")
def nki_frame(nki_data: GeneratedResponses) -> pd.DataFrame:
    return nki_data.frame()


def _small(key: str, seed: int = 3, **options: object) -> GeneratedResponses:
    units = [UnitProfile(code="A", volume=60), UnitProfile(code="B", volume=60, shifts={})]
    return generate_responses(load_template(key), units, start=START, end=END, seed=seed, **options)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------- validity


@pytest.mark.parametrize("key", ["nki", "patient", "staff"])
def test_every_generated_answer_set_validates_against_the_demo_templates(key: str) -> None:
    definition = load_template(key)
    data = _small(key)
    assert len(data) > 1000
    for response in data:
        validated = validate_answers(definition, response.as_input())
        assert validated.contact == response.contact
        # "vet ej" is stored as None; every other answer is stored as generated
        assert validated.answers == {k: (None if v == DONT_KNOW else v) for k, v in response.answers.items()}


@pytest.mark.parametrize("key", sorted(set(template_keys()) - {"nki", "patient", "staff"}))
def test_answers_to_every_other_template_validate_too(key: str) -> None:
    definition = load_template(key)
    data = generate_responses(
        definition, [UnitProfile(code="A", volume=25)], start=START, end=END, seed=1, comments=None
    )
    for response in data:
        validate_answers(definition, response.as_input())


def test_hidden_questions_are_not_answered() -> None:
    # nps: the follow-up for detractors shows only when rekommendera <= 6, the promoters' one when >= 7
    data = _small("nps", comments=None)
    low = [
        r.answers
        for r in data
        if isinstance(r.answers.get("rekommendera"), int) and r.answers["rekommendera"] <= 6
    ]
    high = [
        r.answers
        for r in data
        if isinstance(r.answers.get("rekommendera"), int) and r.answers["rekommendera"] >= 7
    ]
    definition = load_template("nps")
    conditional = [q for q in definition.questions() if q.show_if is not None]
    assert low and high and conditional
    for question in conditional:
        if "<= 6" in question.show_if.source:  # type: ignore[union-attr]
            assert not any(question.key in row for row in high)
        if ">= 7" in question.show_if.source:  # type: ignore[union-attr]
            assert not any(question.key in row for row in low)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    key=st.sampled_from(["nki", "patient", "staff", "nps", "ces"]),
    dont_know=st.floats(0, 0.3),
    skip=st.floats(0, 0.3),
    volume=st.floats(1, 40),
)
def test_answers_validate_for_any_seed_and_rates(
    seed: int, key: str, dont_know: float, skip: float, volume: float
) -> None:
    definition = load_template(key)
    data = generate_responses(
        definition,
        [UnitProfile(code="A", volume=volume)],
        start=START,
        end=START + timedelta(days=60),
        seed=seed,
        dont_know_rate=dont_know,
        skip_rate=skip,
        consent_rate=0.3,
        comments=None,
    )
    for response in data:
        validate_answers(definition, response.as_input())


# ---------------------------------------------------------------------------------- reproducibility


def test_the_same_seed_gives_identical_responses_and_another_seed_different_ones(
    nki: SurveyDefinition,
) -> None:
    units = NKI_UNITS[:2]
    a = generate_responses(nki, units, start=START, end=START + timedelta(days=90), seed=5)
    b = generate_responses(nki, units, start=START, end=START + timedelta(days=90), seed=5)
    c = generate_responses(nki, units, start=START, end=START + timedelta(days=90), seed=6)
    assert a.responses == b.responses
    assert np.array_equal(a.scores, b.scores)
    assert a.truth.to_dict() == b.truth.to_dict()
    assert [r.answers for r in a] != [r.answers for r in c]
    assert {r.submission_id for r in a}.isdisjoint({r.submission_id for r in c})


def test_submission_ids_are_unique_uuid5_of_seed_survey_and_position(nki_data: GeneratedResponses) -> None:
    ids = [r.submission_id for r in nki_data]
    assert len(set(ids)) == len(ids)
    assert ids[10] == uuid.uuid5(SUBMISSION_NAMESPACE, "7:nki:10") == submission_id(7, "nki", 10)


# ---------------------------------------------------------------------------------- times


def test_times_are_aware_sorted_inside_the_period_and_follow_the_week(nki_data: GeneratedResponses) -> None:
    times = [r.submitted_at for r in nki_data]
    assert all(t.tzinfo is not None for t in times)
    assert all(START <= t < END for t in times)
    assert times == sorted(times)
    local = pd.DatetimeIndex(pd.to_datetime(times, utc=True)).tz_convert("Europe/Stockholm")
    weekday = pd.Series(local.day_of_week).value_counts(normalize=True).sort_index()
    # Monday carries 1.25/7, Sunday 0.65/7 of the answers (binomial sd < 0.003 at n ≈ 7000)
    assert weekday[0] == pytest.approx(1.25 / 7, abs=0.015)
    assert weekday[6] == pytest.approx(0.65 / 7, abs=0.015)
    hours = pd.Series(local.hour)
    assert (hours.between(8, 17)).mean() > 0.6
    assert (local.month == 7).sum() < 0.7 * (local.month == 9).sum()  # summer holidays are quiet


def test_a_unit_gets_about_its_monthly_volume(nki_data: GeneratedResponses) -> None:
    counts = pd.Series([r.unit for r in nki_data]).value_counts()
    for unit in NKI_UNITS:
        # 12 months × 150 expected, Poisson sd ≈ 42
        assert counts[unit.code] == pytest.approx(12 * unit.volume, rel=0.08)


# ---------------------------------------------------------------------------------- the truth


def test_the_latent_model_follows_the_codebook() -> None:
    nki = latent_model(load_template("nki"))
    assert nki.outcome == "NKI" and nki.strongest_driver == "BEMOTANDE"
    assert nki.constructs["NKI"] == ("nki_helhet", "nki_forvantan", "nki_ideal")
    patient = latent_model(load_template("patient"))
    assert patient.outcome == "HELHETSINTRYCK" and len(patient.drivers) == 6
    staff = latent_model(load_template("staff"))
    assert staff.outcome is None and "KUNDKULTUR" not in staff.constructs  # the mean of the five parts
    assert staff.constructs["SPEGEL_BEMOTANDE"] == ("sp_bem_vanlighet", "sp_bem_respekt", "sp_bem_forstaelse")


def test_the_strongest_true_driver_is_found_by_ols_on_the_indices(
    nki: SurveyDefinition, nki_data: GeneratedResponses, nki_frame: pd.DataFrame
) -> None:
    truth = nki_data.truth
    drivers = pd.DataFrame({name: index_scores(nki_frame, nki, name) for name in truth.model.drivers})
    beta = standardised_ols(index_scores(nki_frame, nki, "NKI"), drivers)
    assert beta.idxmax() == truth.strongest_driver == "BEMOTANDE"
    # indices carry measurement error, so the standardised estimates are somewhat attenuated: on
    # repeated seeds they lie within 0.07 of the true paths (n ≈ 7000); the order is kept
    for name, true in truth.paths.items():
        assert beta[name] == pytest.approx(true, abs=0.09)
    assert list(beta.sort_values(ascending=False).index) == sorted(truth.paths, key=lambda n: -truth.paths[n])


def test_pls_on_the_generated_items_finds_the_true_paths(
    nki: SurveyDefinition, nki_frame: pd.DataFrame
) -> None:
    model = nki.codebook.driver_model
    assert model is not None
    indicators = [key for construct in model.constructs.values() for key in construct.indicators]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = PLSPathModel(model.as_model_file()).fit(nki_frame[indicators].apply(pd.to_numeric))
    paths = fit.path_coefficients_["NKI"].drop("NKI")
    assert paths.idxmax() == "BEMOTANDE"
    truth = latent_model(nki).paths
    for name, true in truth.items():
        assert paths[name] == pytest.approx(true, abs=0.09)  # same attenuation as OLS on indices


def test_the_patient_surveys_strongest_driver_is_found() -> None:
    definition = load_template("patient")
    data = generate_responses(
        definition, [UnitProfile(code="A", volume=400)], start=START, end=END, seed=2, comments=None
    )
    frame = data.frame()
    drivers = pd.DataFrame({name: index_scores(frame, definition, name) for name in data.truth.model.drivers})
    beta = standardised_ols(index_scores(frame, definition, "HELHETSINTRYCK"), drivers)
    assert beta.idxmax() == data.truth.strongest_driver == "RESPEKT"


def test_units_are_ordered_by_their_true_shift(
    nki: SurveyDefinition, nki_data: GeneratedResponses, nki_frame: pd.DataFrame
) -> None:
    before = nki_frame["submitted_at"] < pd.Timestamp(CHANGE_DAY, tz="Europe/Stockholm")
    nki_index = index_scores(nki_frame, nki, "NKI")
    means = nki_index[before].groupby(nki_frame["unit"][before]).mean()
    expected = {u.code: nki_data.truth.expected_shift(u.code, "NKI") for u in NKI_UNITS}
    assert expected["HIGH"] == pytest.approx(0.6 * 0.35)  # passed on through the path
    assert expected["LOW"] == pytest.approx(-0.6 * 0.35 - 0.2)
    order = sorted(expected, key=expected.__getitem__)
    # HIGH vs MID: 0.21 sd ≈ 3.6 index points, SE of a unit mean ≈ 0.7 before the change
    assert list(means[["LOW", "MID", "HIGH"]].sort_values().index) == [u for u in order if u != "CHANGE"]
    assert means["HIGH"] - means["LOW"] > 5


def test_a_dated_change_shows_after_its_day(
    nki: SurveyDefinition, nki_data: GeneratedResponses, nki_frame: pd.DataFrame
) -> None:
    after = nki_frame["submitted_at"] >= pd.Timestamp(CHANGE_DAY, tz="Europe/Stockholm")
    treatment = index_scores(nki_frame, nki, "BEMOTANDE")
    outcome = index_scores(nki_frame, nki, "NKI")

    def jump(values: pd.Series, unit: str) -> float:
        mine = nki_frame["unit"] == unit
        return float(values[mine & after].mean() - values[mine & ~after].mean())

    # +0.8 sd on bemötande ≈ 0.8 · λ · spread / 9 · 100 ≈ 12 index points; se of the jump ≈ 1
    assert jump(treatment, "CHANGE") > 7
    assert abs(jump(treatment, "MID")) < 3.5
    # passed on to NKI: 0.8 · 0.35 = 0.28 sd ≈ 4.5 points
    assert jump(outcome, "CHANGE") > 2
    truth = nki_data.truth
    assert truth.expected_shift("CHANGE", "BEMOTANDE", at=CHANGE_DAY) == pytest.approx(0.8)
    assert truth.expected_shift("CHANGE", "BEMOTANDE", at=CHANGE_DAY - timedelta(days=1)) == 0


def test_the_true_scores_are_standardised_and_correlated_as_the_model_says(
    nki_data: GeneratedResponses,
) -> None:
    scores = nki_data.score_frame()
    mid = scores[scores["unit"] == "MID"][list(nki_data.truth.model.names)]
    implied = nki_data.truth.model.correlations()
    # n ≈ 1800: sampling sd of a correlation ≈ 0.02
    np.testing.assert_allclose(mid.corr().to_numpy(), implied, atol=0.07)
    np.testing.assert_allclose(mid.std().to_numpy(), 1.0, atol=0.06)


def test_staff_believe_customers_rate_treatment_higher_than_customers_do(nki_frame: pd.DataFrame) -> None:
    staff = _small("staff", comments=None).frame()  # two units without shifts
    customers = nki_frame[nki_frame["unit"] == "MID"]  # the customer unit without shifts
    for mirror in load_template("staff").codebook.mirrors:
        if mirror.item.startswith("sp_bem"):
            staff_mean = pd.to_numeric(staff[mirror.item], errors="coerce").mean()
            customer_mean = pd.to_numeric(customers[mirror.customer_item], errors="coerce").mean()
            # levels 0.60 (staff's view) vs 0.35 (customers) sd ≈ 0.25 · 0.8 · 1.64 ≈ +0.33 scale points;
            # se of the difference ≈ 0.05
            assert staff_mean > customer_mean + 0.15


# ---------------------------------------------------------------------------------- missing answers


def test_dont_know_and_skipped_answers_come_at_the_configured_rates() -> None:
    definition = load_template("nki")
    data = _small("nki", dont_know_rate=0.08, skip_rate=0.05, comments=None)
    items = {item.key: item for item in stored_items(definition)}
    required = {q.key for q in definition.questions() if q.required}
    rows = [r.answers for r in data]
    n = len(rows)
    for key, rate in data.truth.dont_know_rates.items():
        assert 0.04 <= rate <= 0.12  # 0.08 × [0.5, 1.5]
        share = sum(row.get(key) == DONT_KNOW for row in rows) / n
        assert share == pytest.approx(rate, abs=4 * np.sqrt(rate / n) + 0.005)
    for key, item in items.items():
        if item.kind in ("text", "boolean"):
            continue
        absent = sum(key not in row for row in rows) / n
        if item.question_key in required:
            assert absent == 0
        else:
            assert absent == pytest.approx(0.05, abs=0.025)
    overall = np.mean([row.get(k) == DONT_KNOW for row in rows for k in data.truth.dont_know_rates])
    assert overall == pytest.approx(0.08, abs=0.02)


def test_item_rates_of_dont_know_can_be_set() -> None:
    data = _small("patient", dont_know_rates={"del_narstaende": 0.3}, comments=None)
    share = np.mean([r.answers.get("del_narstaende") == DONT_KNOW for r in data])
    assert share == pytest.approx(0.3, abs=0.04)


# ---------------------------------------------------------------------------------- personal data


def test_no_personal_data_outside_the_contact_fields_and_comments(nki_data: GeneratedResponses) -> None:
    definition = load_template("nki")
    items = {item.key: item for item in stored_items(definition)}
    for response in nki_data:
        for key, value in response.answers.items():
            item = items[key]
            if item.kind == "text":
                continue
            if item.kind == "numeric":
                assert value == DONT_KNOW or isinstance(value, int)
            elif item.kind == "boolean":
                assert isinstance(value, bool)
            else:
                assert value == DONT_KNOW or value in (item.options or ())
        assert bool(response.contact) == (response.answers.get("kontakt_ok") is True)


def test_consent_is_mostly_no_and_contact_data_is_fake_by_construction(nki_data: GeneratedResponses) -> None:
    consent = [r.answers.get("kontakt_ok") for r in nki_data]
    yes = np.mean([c is True for c in consent])
    assert 0.03 < yes < 0.09  # consent_rate 0.06
    fields = {f.key: f.kind for f in contact_fields(load_template("nki"))}
    contacts = [r.contact for r in nki_data if r.contact]
    assert contacts
    for record in contacts:
        assert set(record) <= set(fields)
        assert "kontakt_telefon" in record or "kontakt_epost" in record
        if "kontakt_telefon" in record:
            assert record["kontakt_telefon"].startswith("070-174 06 ")  # PTS fiction series
        if "kontakt_epost" in record:
            assert record["kontakt_epost"].rsplit("@", 1)[1] in {"example.com", "example.org", "example.net"}
    # the dissatisfied ask to be contacted more often
    outcome = nki_data.scores[:, nki_data.truth.model.names.index("NKI")]
    said_yes = np.array([c is True for c in consent])
    assert outcome[said_yes].mean() < outcome[~said_yes].mean() - 0.3


def test_comments_come_from_the_comment_generator_with_planted_personal_data(
    nki_data: GeneratedResponses,
) -> None:
    commented = [r for r in nki_data if "kommentar" in r.answers]
    share = len(commented) / len(nki_data)
    assert share == pytest.approx(0.25, abs=0.02)
    assert len({r.answers["kommentar"] for r in commented}) > 0.8 * len(commented)
    planted = [r for r in commented if r.planted_personal_data]
    assert len(planted) / len(commented) == pytest.approx(0.03, abs=0.012)
    assert not any(r.planted_personal_data for r in nki_data if "kommentar" not in r.answers)
    # the redaction finds the planted personal data (most kinds every time)
    found = np.mean([bool(find_personal_data(r.answers["kommentar"], language=r.language)) for r in planted])
    assert found > 0.8


def test_comments_follow_the_respondents_scores(nki_data: GeneratedResponses) -> None:
    names = nki_data.truth.model.names
    treatment = nki_data.scores[:, names.index("BEMOTANDE")] + nki_data.truth.model.levels["BEMOTANDE"]
    rows = [i for i, r in enumerate(nki_data) if "kommentar" in r.answers and r.language == "sv"]
    rude = np.array(["otrevlig" in nki_data.responses[i].answers["kommentar"].lower() for i in rows])
    assert rude.any()
    assert treatment[rows][rude].mean() < treatment[rows][~rude].mean() - 0.5


def test_most_responses_are_in_swedish(nki_data: GeneratedResponses) -> None:
    english = np.mean([r.language == "en" for r in nki_data])
    assert english == pytest.approx(0.07, abs=0.015)
    assert {r.language for r in _small("staff", comments=None)} <= {"sv", "en"}


# ---------------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": datetime(2025, 1, 1)}, "start"),
        ({"end": START}, "end"),
        ({"dont_know_rate": 1.5}, "dont_know_rate"),
        ({"units": [UnitProfile(code="A", volume=1), UnitProfile(code="A", volume=2)]}, "units"),
        ({"units": [UnitProfile(code="A", volume=1, shifts={"NOPE": 1})]}, "units.A"),
        ({"units": [UnitProfile(code="A", volume=-1)]}, "units.A.volume"),
        ({"paths": {"NKI": 0.2}}, "paths"),
        ({"dont_know_rates": {"kommentar": 0.1}}, "dont_know_rates"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_arguments_are_named(nki: SurveyDefinition, change: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {
        "units": [UnitProfile(code="A", volume=1)],
        "start": START,
        "end": END,
        "seed": 1,
        "comments": None,
    }
    arguments.update(change)
    units = arguments.pop("units")
    with pytest.raises(InvalidArgument) as error:
        generate_responses(nki, units, **arguments)  # type: ignore[arg-type]
    assert error.value.field == field


def test_the_truth_is_plain_json(nki_data: GeneratedResponses) -> None:
    truth = json.loads(json.dumps(nki_data.truth.to_dict()))
    assert truth["paths"]["BEMOTANDE"] == 0.35
    assert truth["changes"][0] == {
        "unit": "CHANGE",
        "construct": "BEMOTANDE",
        "start": "2025-07-01",
        "delta": 0.8,
        "ramp_days": 0,
    }
    assert truth["unit_shifts"]["LOW"] == {"BEMOTANDE": -0.6, "NKI": -0.2}


def test_a_ramped_change_grows_linearly_to_its_full_size() -> None:
    change = DatedChange(construct="BEMOTANDE", start=date(2025, 3, 1), delta=0.6, ramp_days=10)
    days = np.array(
        ["2025-02-28", "2025-03-01", "2025-03-05", "2025-03-10", "2025-04-01"], dtype="datetime64[D]"
    )
    np.testing.assert_allclose(change.factor(days), [0.0, 0.1, 0.5, 1.0, 1.0])
    step = DatedChange(construct="BEMOTANDE", start=date(2025, 3, 1), delta=0.6)
    np.testing.assert_array_equal(step.factor(days), [0, 1, 1, 1, 1])


def test_batches_cover_every_response_once(nki_data: GeneratedResponses) -> None:
    batches = list(nki_data.batches(1000))
    assert all(len(batch) == 1000 for batch in batches[:-1])
    assert [r for batch in batches for r in batch] == list(nki_data.responses)
    with pytest.raises(InvalidArgument):
        next(nki_data.batches(0))


def test_staff_rounds_are_clipped_to_the_period() -> None:
    rounds = staff_rounds(date(2025, 3, 20), date(2025, 10, 10))
    assert rounds == ((date(2025, 3, 20), date(2025, 3, 31)), (date(2025, 10, 6), date(2025, 10, 10)))
