"""The population generator: determinism, valid identities, planted truth that is exact."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pytest

from adapters.normalise import parse_id_number
from sandbox import layout
from sandbox.generate.cases import CASES
from sandbox.generate.run import TYPOS, generate
from sandbox.generate.world import Config, Rates
from sandbox.oracle import evaluate, read_cases

CHECK_DATE = date(2026, 11, 23)
RULE_IDS = {rule for rule, _ in CASES}
RULES_WITH_EXCEPTIONS = {
    "dup.dibao_multiple_households",
    "dup.dibao_and_tekun",
    "dup.insurance_multiple_enrollment",
    "dup.disability_subsidy_and_tekun",
    "miss.unable_to_work_not_covered",
    "miss.living_subsidy",
    "miss.insurance_not_enrolled",
    "miss.single_person_dibao",
    "split.one_family_many_dibao",
    "split.same_address_kin",
    "split.padded_household",
    "other.subsidy_on_invalid_certificate",
}


def _generate(root: Path, noise: str, seed: int = 11, persons: int = 4000, case_rate: float = 0.002) -> Path:
    generate(Config(persons, seed, "53", noise, case_rate, CHECK_DATE), root)
    return root


@pytest.fixture(scope="module", params=["clean", "default", "dirty"])
def population(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    noise = str(request.param)
    return _generate(tmp_path_factory.mktemp(f"pop-{noise}"), noise, case_rate=0.01)


def _jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _raw_numbers(root: Path) -> list[tuple[str, str]]:
    """(source, raw number) of every identity row a department sends."""
    out: list[tuple[str, str]] = []
    for hh in _jsonl(root / layout.CIVIL_HOUSEHOLDS):
        out += [("civil", str(m["id_number"])) for m in hh["members"] if "id_number" in m]  # type: ignore[attr-defined]
    out += [("civil", str(t["person_id_number"])) for t in _jsonl(root / layout.CIVIL_TEKUN)]
    out += [("civil", str(p["id_number"])) for p in _jsonl(root / layout.CIVIL_PAYMENTS)]
    for name in json.loads((root / layout.POVERTY_LISTING).read_text(encoding="utf-8")):
        text = (root / layout.POVERTY_FILES / name["name"]).read_bytes().decode("gb18030")
        out += [("poverty", row[4]) for row in list(csv.reader(io.StringIO(text)))[1:] if len(row) > 4]
    out += [("disability", str(p["idCard"])) for p in _jsonl(root / layout.DISABILITY_PERSONS)]
    return out


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    # given two runs with one seed, and one with another
    first = _files(_generate(tmp_path / "a", "dirty", seed=5, persons=3000))
    second = _files(_generate(tmp_path / "b", "dirty", seed=5, persons=3000))
    other = _files(_generate(tmp_path / "c", "dirty", seed=6, persons=3000))
    # then the same seed writes the same bytes, and another seed does not
    assert first == second
    assert first != other


def test_truth_is_exactly_what_the_rules_find(population: Path) -> None:
    # when the reference checker evaluates the folder
    found = evaluate(population)
    # then it finds every planted case and nothing else
    assert found == read_cases(population / layout.TRUTH)


def test_every_rule_has_cases_and_every_exception_a_lookalike(population: Path) -> None:
    truth = _jsonl(population / layout.TRUTH)
    lookalikes = _jsonl(population / layout.LOOKALIKES)
    assert {t["rule"] for t in truth} == RULE_IDS
    assert {x["rule"] for x in lookalikes} >= RULES_WITH_EXCEPTIONS
    assert all(x["why"] for x in lookalikes)


def test_lookalikes_are_not_flagged(population: Path) -> None:
    found = evaluate(population)
    for x in _jsonl(population / layout.LOOKALIKES):
        persons = set(x["persons"])  # type: ignore[arg-type]
        flagged = [c for c in found if c.rule == x["rule"] and persons & set(c.persons)]
        assert not flagged, x


def test_every_number_is_valid_after_normalisation_except_recorded_typos(population: Path) -> None:
    typos = {(str(t["source"]), str(t["raw"])) for t in _jsonl(population / TYPOS)}
    for source, raw in _raw_numbers(population):
        number = parse_id_number(raw)
        assert number.valid or (source, raw) in typos, (source, raw)
        if len(raw.strip()) == 15:
            assert number.value[6:8] == "19"
    if population.name.startswith("pop-dirty"):
        assert typos
    if population.name.startswith("pop-clean"):
        assert not typos


def test_numbers_agree_with_birth_date_and_sex(population: Path) -> None:
    for hh in _jsonl(population / layout.CIVIL_HOUSEHOLDS):
        for m in hh["members"]:  # type: ignore[attr-defined]
            if not m.get("id_number"):
                continue  # a planted malformed row
            number = parse_id_number(m["id_number"])
            if number.valid:
                assert number.value[6:14] == m["birth_date"].replace("-", "")
                assert int(number.value[16]) % 2 == (1 if m["gender"] == "1" else 0)


def test_clean_has_no_malformed_rows_and_noisy_ones_do(population: Path) -> None:
    malformed = _jsonl(population / layout.MALFORMED)
    if population.name.startswith("pop-clean"):
        assert malformed == []
    else:
        assert {m["source"] for m in malformed} >= {"civil", "poverty", "disability"}


def test_files_are_sorted_and_listing_matches(population: Path) -> None:
    households = _jsonl(population / layout.CIVIL_HOUSEHOLDS)
    assert households == sorted(households, key=lambda h: (str(h["updated_at"]), str(h["household_id"])))
    certs = [str(p["certNo"]) for p in _jsonl(population / layout.DISABILITY_PERSONS)]
    assert certs == sorted(certs)
    insured = [str(p["id_number"]) for p in _jsonl(population / layout.MEDICAL_INSURED)]
    assert insured == sorted(insured)
    for entry in json.loads((population / layout.POVERTY_LISTING).read_text(encoding="utf-8")):
        data = (population / layout.POVERTY_FILES / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert data.decode("gb18030").count("\r\n") - 1 == entry["rows"]


def test_meta_names_the_check_date_and_year(population: Path) -> None:
    meta = json.loads((population / layout.META).read_text(encoding="utf-8"))
    assert meta["check_date"] == "2026-11-23"
    assert meta["year"] == 2026
    assert meta["persons"] == 4000


def test_truth_stays_exact_under_other_coverage_rates(tmp_path: Path) -> None:
    # given a population with far more assistance, disability and uninsured people than usual
    rates = Rates.parse(
        [
            "dibao_rural=0.3",
            "dibao_urban=0.1",
            "poverty_rural=0.4",
            "disability=0.2",
            "tekun_alone=0.5",
            "insured=0.5",
        ]
    )
    generate(Config(5000, 31, "53", "dirty", 0.01, CHECK_DATE, rates), tmp_path)
    # then the planted truth is still exactly what the rules find
    assert evaluate(tmp_path) == read_cases(tmp_path / layout.TRUTH)
    assert json.loads((tmp_path / layout.META).read_text(encoding="utf-8"))["rates"]["insured"] == 0.5


def test_unknown_rates_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown rate"):
        Rates.parse(["dibao=0.1"])
