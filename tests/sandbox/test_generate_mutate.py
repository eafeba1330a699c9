"""``sandbox mutate``: a batch of changes that keeps the files ordered and the truth exact."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sandbox import layout
from sandbox.generate.run import generate
from sandbox.generate.world import Config
from sandbox.mutate import mutate
from sandbox.oracle import evaluate, read_cases


@pytest.fixture(params=["default", "dirty"])
def folder(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    generate(Config(4000, 21, "53", str(request.param), 0.005, date(2026, 11, 23)), tmp_path)
    return tmp_path


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_mutation_keeps_truth_exact_and_files_sorted(folder: Path) -> None:
    before = _lines(folder / layout.CIVIL_HOUSEHOLDS)
    listing_before = json.loads((folder / layout.POVERTY_LISTING).read_text(encoding="utf-8"))
    # when two batches are applied
    first = mutate(folder, seed=1, fraction=0.02)
    mutate(folder, seed=2, fraction=0.02)
    # then the rules find exactly the truth file, which gained the planted cases
    truth = read_cases(folder / layout.TRUTH)
    assert evaluate(folder) == truth
    assert sum(1 for c in truth if c.rule == "miss.nursing_subsidy") >= 3
    # and the files stay in the layout's order, with newer change times
    after = _lines(folder / layout.CIVIL_HOUSEHOLDS)
    assert after == sorted(after, key=lambda h: (str(h["updated_at"]), str(h["household_id"])))
    assert max(str(h["updated_at"]) for h in after) > max(str(h["updated_at"]) for h in before)
    assert len(after) > len(before)
    listing = json.loads((folder / layout.POVERTY_LISTING).read_text(encoding="utf-8"))
    assert len(listing) == len(listing_before) + 2
    assert (folder / layout.POVERTY_FILES / str(first["snapshot"])).exists()
    certs = [str(c["certNo"]) for c in _lines(folder / layout.DISABILITY_PERSONS)]
    assert certs == sorted(certs)


def test_mutation_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        generate(Config(3000, 8, "53", "default", 0.002, date(2026, 6, 1)), tmp_path / name)
        mutate(tmp_path / name, seed=5)
    files = [
        {p.relative_to(tmp_path / n): p.read_bytes() for p in (tmp_path / n).rglob("*") if p.is_file()}
        for n in ("a", "b")
    ]
    assert files[0] == files[1]
