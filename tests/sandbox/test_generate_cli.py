"""``python -m sandbox``: the generate and mutate subcommands, and serve's forwarding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox import layout
from sandbox.__main__ import main


def test_generate_then_mutate_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pop"
    assert (
        main(
            [
                "generate",
                "--persons",
                "2000",
                "--seed",
                "4",
                "--out",
                str(out),
                "--noise",
                "clean",
                "--check-date",
                "2026-07-01",
            ]
        )
        == 0
    )
    meta = json.loads((out / layout.META).read_text(encoding="utf-8"))
    assert (meta["persons"], meta["check_date"], meta["year"], meta["noise"]) == (
        2000,
        "2026-07-01",
        2026,
        "clean",
    )
    assert main(["mutate", str(out), "--seed", "1", "--fraction", "0.05"]) == 0
    assert json.loads((out / layout.META).read_text(encoding="utf-8"))["mutations"] == 1
    assert "wrote 2000 persons" in capsys.readouterr().out


def test_serve_forwards_its_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "--civil-port" in capsys.readouterr().out


def test_too_few_persons_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 500"):
        main(["generate", "--persons", "100", "--seed", "1", "--out", str(tmp_path)])
