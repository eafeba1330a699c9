"""``sandbox mutate``: one realistic batch of changes to a generated population.

New 低保 (dibao) households of new persons, 低保 ended for households outside
poverty relief, recent deaths, new disability certificates (one of them, severe and
without the nursing subsidy, is a new planted case), and a newer snapshot of one
county's poverty-relief file. Every change carries a change time newer than any in
the folder; files are rewritten atomically and kept in the layout's order.

The batch never touches a planted case, a look-alike, a malformed row or a mistyped
number, and each change is one the rules leave alone (a death under 31 days old, an
ended 低保 household nobody in poverty relief belongs to …), so ``truth.jsonl`` stays
exact with only the new case added.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from sandbox import layout
from sandbox.generate import idnumbers, names

Row = dict[str, Any]
_TO_SIMPLE = {t: s for s, t in names.TRADITIONAL.items()}
_SEPARATORS = "·.•・．‧⋅･"


def _norm_id(raw: str) -> str | None:
    value = "".join(unicodedata.normalize("NFKC", raw).split()).upper()
    if len(value) == 15 and value.isdigit():
        first17 = value[:6] + "19" + value[6:]
        value = first17 + idnumbers.check_char(first17)
    return value if idnumbers.is_valid(value) else None


def _name_key(name: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", name).split())
    return "".join(_TO_SIMPLE.get(ch, ch) for ch in text if ch not in _SEPARATORS)


def _read(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _line(row: Row) -> bytes:
    return (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _atomic_lines(path: Path, lines: Iterable[bytes]) -> None:
    """Write line by line to a temporary file, then replace ``path`` in one step."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as handle:
        handle.writelines(lines)
    os.replace(tmp, path)


def _jsonl(rows: list[Row]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows).encode(
        "utf-8"
    )


def _sorted_jsonl(rows: list[Row]) -> bytes:
    """Lines sorted as text, as the generator writes truth and malformed rows."""
    lines = sorted(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows)
    return "".join(line + "\n" for line in lines).encode("utf-8")


class _Batch:
    """The folder's rows and what the batch needs to know about its persons."""

    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.meta: Row = json.loads((root / layout.META).read_text(encoding="utf-8"))
        self.day = date.fromisoformat(self.meta["check_date"])
        self.year = int(self.meta["year"])
        self.rng = random.Random(f"{seed}:mutate:{self.meta['seed']}")
        self.households = _read(root / layout.CIVIL_HOUSEHOLDS)
        self.tekun = _read(root / layout.CIVIL_TEKUN)
        self.disability = _read(root / layout.DISABILITY_PERSONS)
        # Kept as text, one line per person, and parsed only where a line changes: the
        # platform's file is as long as the population.
        # UTF-8 bytes: a third of the memory of the same lines as str.
        self.medical_lines: dict[str, bytes] = {}
        start = len(b'{"id_number":"')
        with (root / layout.MEDICAL_INSURED).open("rb") as handle:
            for line in handle:
                if line.strip():
                    self.medical_lines[line[start : start + 18].decode()] = line
        self.truth = _read(root / layout.TRUTH)
        self.lookalikes = _read(root / layout.LOOKALIKES)
        self.malformed = _read(root / layout.MALFORMED)
        self.listing: list[Row] = json.loads((root / layout.POVERTY_LISTING).read_text(encoding="utf-8"))
        self.standards: list[Row] = json.loads((root / layout.CIVIL_STANDARDS).read_text(encoding="utf-8"))
        self.regions = _read(root / layout.REGIONS)
        typos = root / "typos.jsonl"
        self.protected: set[str] = set()
        self.protected_households: set[str] = set()
        for case in self.truth + self.lookalikes:
            self.protected.update(case["persons"])
            self.protected_households.update(h.split(":", 1)[1] for h in case["households"])
        if typos.exists():
            self.protected.update(str(t["id_number"]) for t in _read(typos))
        self.protected_households.update(str(m["location"]) for m in self.malformed if m["source"] == "civil")
        self.poverty_ids: set[str] = set()
        for entry in self.newest().values():
            for row in self.poverty_rows(entry["name"]):
                if len(row) > 4 and (number := _norm_id(row[4])):
                    self.poverty_ids.add(number)
                    if row[1] in self.protected_households:
                        self.protected.add(number)
        self.covered: set[str] = set()
        self.lone: set[str] = set()
        self.known: dict[str, Row] = {}
        self.taken_keys: set[tuple[str, str, str]] = set()
        for hh in self.households:
            d = hh["dibao"]
            active = (
                hh["status"] == "active"
                and d
                and d["status"] in ("active", "phasing_out")
                and d["start_date"] <= self.day.isoformat()
                and (d["end_date"] is None or d["end_date"] >= self.day.isoformat())
            )
            for m in hh["members"]:
                number = _norm_id(str(m.get("id_number", "")))
                if number is None:
                    self.protected_households.add(hh["household_id"])
                    continue
                if hh["household_id"] in self.protected_households:
                    # a case may name a household and not its members (an overpaid household)
                    self.protected.add(number)
                self.known.setdefault(
                    number, {**m, "region_code": hh["region_code"], "address": hh["address"]}
                )
                self.taken_keys.add((_name_key(m["name"]), number[6:14], number[:6]))
                if active and m["covered"]:
                    self.covered.add(number)
                    if len(hh["members"]) == 1:
                        self.lone.add(number)
        self.tekun_ids = {
            n for t in self.tekun if t["status"] == "active" and (n := _norm_id(t["person_id_number"]))
        }
        self.cert_ids = {n for c in self.disability if (n := _norm_id(str(c["idCard"])))}
        latest = max([h["updated_at"] for h in self.households] + [f"{self.day.isoformat()}T08:00:00+08:00"])
        self.clock = datetime.fromisoformat(latest).replace(tzinfo=None)
        self.new_persons = 0

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=self.rng.randint(1, 30))
        return self.clock

    def newest(self) -> dict[str, Row]:
        out: dict[str, Row] = {}
        for entry in self.listing:
            if entry["county"] not in out or entry["created_at"] > out[entry["county"]]["created_at"]:
                out[entry["county"]] = entry
        return out

    def poverty_rows(self, name: str) -> list[list[str]]:
        text = (self.root / layout.POVERTY_FILES / name).read_bytes().decode("gb18030")
        return list(csv.reader(io.StringIO(text)))[1:]

    def standard(self, county: str, area: str) -> Decimal:
        best = [
            s
            for s in self.standards
            if s["county"] == county
            and s["area_type"] == area
            and s["effective_from"] <= self.day.isoformat()
        ]
        return Decimal(best[-1]["monthly_standard"])

    def new_person(self, region: str, male: bool, age: int) -> tuple[str, str]:
        """A number and a name no source knows, and no (name, birth, region) any source holds."""
        while True:
            born = self.day - timedelta(days=365 * age + self.rng.randrange(300))
            name = names.surname(self.rng) + names.given(self.rng, male)
            sequence = self.rng.randrange(300, 998)
            sequence += (sequence % 2) != (1 if male else 0)
            number = idnumbers.make(region, born, sequence)
            key = (name, number[6:14], number[:6])
            taken = (
                number in self.known
                or number in self.medical_lines
                or number in self.cert_ids
                or number in self.poverty_ids
            )
            if not taken and key not in self.taken_keys:
                self.taken_keys.add(key)
                self.new_persons += 1
                return number, name

    def insure(self, number: str, name: str, category: str) -> None:
        share = {"DIBAO": 0.8, "POVERTY": 0.5, "NONE": 0.0}[category]
        record = {
            "insurance_type": "RESIDENT",
            "region_code": number[:6],
            "year": self.year,
            "status": "ENROLLED",
            "contribution": 40000,
            "subsidy_category": category,
            "subsidy": int(40000 * share),
            "enrolled_on": (self.day - timedelta(days=self.rng.randint(1, 20))).isoformat(),
        }
        answer = {
            "id_number": number,
            "name": name,
            "found": True,
            "records": [record],
            "deceased": False,
            "death_date": None,
        }
        self.medical_lines[number] = _line(answer)

    def alive(self, number: str) -> bool:
        line = self.medical_lines.get(number)
        return line is None or b'"deceased":false' in line


def _age(number: str, on: date) -> int:
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _new_households(b: _Batch, count: int) -> int:
    urban = [r for r in b.regions if r["level"] == "village" and str(r["name"]).endswith("社区")]
    province = next(str(r["name"]) for r in b.regions if r["level"] == "province")
    suffix = max(int(h["household_id"].split("-")[1]) for h in b.households)
    for n in range(count):
        village = b.rng.choice(urban)
        county = str(village["code"])[:6]
        spec = [(True, 38 + n % 9), (False, 36), (n % 2 == 0, 10)][: 1 + n % 3]
        numbers = [b.new_person(county, male, age) for male, age in spec]
        standard = b.standard(county, "urban")
        income = (standard * Decimal(b.rng.randint(10, 60)) / 100).quantize(Decimal("1"))
        special = sum(1 for number, _ in numbers if not 16 <= _age(number, b.day) < 60)
        amount = ((standard - income) * len(numbers) + standard * Decimal("0.2") * special).quantize(
            Decimal("1"), rounding=ROUND_DOWN
        )
        suffix += 1
        codes = ["02", "10", "20" if int(numbers[-1][0][16]) % 2 else "30"]
        members = [
            {
                "name": name,
                "id_number": number,
                "relation": codes[i],
                "gender": "1" if int(number[16]) % 2 else "2",
                "birth_date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
                "covered": True,
            }
            for i, (number, name) in enumerate(numbers)
        ]
        b.households.append(
            {
                "household_id": f"MZ{county}-{suffix:06d}",
                "region_code": village["code"],
                "address": f"{province}{village['name']}和平路{600 + suffix % 300}号",
                "area_type": "urban",
                "status": "active",
                "updated_at": b.tick().strftime("%Y-%m-%dT%H:%M:%S+08:00"),
                "members": members,
                "dibao": {
                    "category": "C",
                    "status": "active",
                    "start_date": (b.day - timedelta(days=b.rng.randint(3, 25))).isoformat(),
                    "end_date": None,
                    "monthly_amount": f"{amount:.2f}",
                    "per_capita_income": f"{income:.2f}",
                    "standard": f"{standard:.2f}",
                },
            }
        )
        for number, name in numbers:
            b.insure(number, name, "DIBAO")
    return count


def _end_dibao(b: _Batch, count: int) -> int:
    pool = []
    for hh in b.households:
        d = hh["dibao"]
        if (
            hh["household_id"] in b.protected_households
            or not d
            or d["status"] != "active"
            or hh["status"] != "active"
        ):
            continue
        numbers = [_norm_id(str(m.get("id_number", ""))) for m in hh["members"]]
        if all(n and n not in b.protected and n not in b.poverty_ids for n in numbers):
            pool.append(hh)
    for hh in b.rng.sample(pool, min(count, len(pool))):
        hh["dibao"] = {**hh["dibao"], "status": "ended", "end_date": (b.day - timedelta(days=1)).isoformat()}
        hh["updated_at"] = b.tick().strftime("%Y-%m-%dT%H:%M:%S+08:00")
    return min(count, len(pool))


def _deaths(b: _Batch, count: int) -> int:
    pool = [n for n in b.known if n in b.medical_lines and n not in b.protected and b.alive(n)]
    certs = {str(c["idCard"]).upper(): c for c in b.disability}
    done = 0
    for number in b.rng.sample(pool, min(count, len(pool))):
        died = b.day - timedelta(days=b.rng.randint(1, 25))
        row = json.loads(b.medical_lines[number])
        row["deceased"], row["death_date"] = True, died.isoformat()
        b.medical_lines[number] = _line(row)
        cert = certs.get(row["id_number"])
        if (
            cert
            and cert["certStatus"] == "VALID"
            and row["id_number"] not in b.covered
            and cert["certNo"].startswith(row["id_number"])
        ):
            cert["certStatus"], cert["cancelReason"] = "CANCELLED", "DECEASED"
            cert["modifiedAt"] = f"{died:%Y%m%d}{b.tick():%H%M%S}"
            for s in cert["subsidies"]:
                if s["status"] == "ACTIVE":
                    s["status"], s["endDate"] = "STOPPED", f"{died:%Y%m%d}"
        done += 1
    return done


def _certificates(b: _Batch, count: int) -> int:
    pool = sorted(
        n
        for n in b.known
        if n not in b.protected
        and n not in b.poverty_ids
        and n not in b.cert_ids
        and n not in b.lone
        and b.alive(n)
    )
    chosen = b.rng.sample(pool, min(count + 1, len(pool)))
    for i, number in enumerate(chosen):
        m = b.known[number]
        planted = i == 0
        level = 1 if planted else b.rng.choice((3, 4))
        type_ = b.rng.choice((1, 2, 4))
        issued = b.day - timedelta(days=b.rng.randint(10, 60))
        subsidies = []
        if number in b.covered and number not in b.tekun_ids:
            subsidies.append(
                {
                    "type": "LIVING",
                    "status": "ACTIVE",
                    "monthlyAmount": 90.0,
                    "startDate": f"{issued + timedelta(days=5):%Y%m%d}",
                    "endDate": None,
                }
            )
        b.disability.append(
            {
                "certNo": f"{number}{type_}{level}",
                "name": m["name"],
                "idCard": number,
                "gender": "M" if int(number[16]) % 2 else "F",
                "birthday": number[6:14],
                "disabilityType": type_,
                "disabilityLevel": level,
                "certStatus": "VALID",
                "issueDate": f"{issued:%Y%m%d}",
                "validUntil": f"{issued.replace(year=issued.year + 10) - timedelta(days=1):%Y%m%d}",
                "regionCode": m["region_code"],
                "address": m["address"].split("省", 1)[-1],
                "guardian": None,
                "subsidies": subsidies,
                "modifiedAt": b.tick().strftime("%Y%m%d%H%M%S"),
            }
        )
        if planted:
            b.truth.append({"rule": "miss.nursing_subsidy", "persons": [number], "households": []})
    return len(chosen)


def _new_snapshot(b: _Batch) -> str:
    """A newer snapshot of one county: the same households, a few re-dated, one new household."""
    newest = b.newest()
    county = b.rng.choice(sorted(newest))
    old = newest[county]
    rows = b.poverty_rows(old["name"])
    households = sorted({r[1] for r in rows if len(r) == len(layout.POVERTY_HEADER)} - b.protected_households)
    stamp = b.tick().strftime("%Y-%m-%d %H:%M:%S")
    for hid in b.rng.sample(households, min(3, len(households))):
        for r in rows:
            if len(r) == len(layout.POVERTY_HEADER) and r[1] == hid:
                r[-1] = stamp
    villages = [
        r
        for r in b.regions
        if r["level"] == "village" and str(r["code"]).startswith(county) and str(r["name"]).endswith("村")
    ]
    village = b.rng.choice(
        villages or [r for r in b.regions if r["level"] == "village" and str(r["code"]).startswith(county)]
    )
    code = str(village["code"])
    used = [int(r[1].rsplit("-", 1)[1]) for r in rows if len(r) > 1 and r[1].startswith(code)]
    hid = f"{code}-{max(used, default=0) + 1:04d}"
    rural = b.standard(county, "rural")
    income = f"{rural * 30:.1f}"
    members = [
        b.new_person(county, True, 45),
        b.new_person(county, False, 43),
        b.new_person(county, True, 14),
    ]
    for (number, name), word, skill, school in zip(
        members,
        ("户主", "配偶", "之子"),
        ("普通劳动力", "普通劳动力", "无劳动力"),
        ("", "", "初中"),
        strict=True,
    ):
        born = f"{int(number[6:10])}/{int(number[10:12])}/{int(number[12:14])}"
        rows.append(
            [
                code,
                hid,
                members[0][1],
                name,
                number,
                word,
                "男" if int(number[16]) % 2 else "女",
                born,
                "汉族",
                skill,
                "健康",
                school,
                "脱贫户",
                "",
                income,
                f"{village['name']}2组{700 + len(used)}号",
                str(b.year - 1),
                stamp,
            ]
        )
        b.insure(number, name, "POVERTY")
    created = max(
        date.fromisoformat(str(old["created_at"])[:10]) + timedelta(days=1), b.day - timedelta(days=1)
    )
    name = f"fpxx_{county}_{created:%Y%m%d}.csv"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(layout.POVERTY_HEADER)
    writer.writerows(rows)
    data = buf.getvalue().encode("gb18030")
    _atomic(b.root / layout.POVERTY_FILES / name, data)
    b.listing.append(
        {
            "name": name,
            "county": county,
            "created_at": f"{created.isoformat()}T02:00:00+08:00",
            "rows": len(rows),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    )
    prefix = old["name"] + ":"
    b.malformed += [
        {**m, "location": name + ":" + m["location"][len(prefix) :]}
        for m in b.malformed
        if m["source"] == "poverty" and m["location"].startswith(prefix)
    ]
    return name


def mutate(root: Path, seed: int, fraction: float = 0.01) -> dict[str, object]:
    """Apply one batch of changes to the population folder ``root``; answers what was done."""
    if not 0 < fraction <= 0.5:
        raise ValueError(f"--fraction must be in (0, 0.5], got {fraction}")
    b = _Batch(root, seed)
    size = max(1, round(int(b.meta["persons"]) * fraction))
    done: dict[str, object] = {
        "new_households": _new_households(b, max(1, size // 10)),
        "ended_dibao": _end_dibao(b, max(1, size // 20)),
        "deaths": _deaths(b, max(1, size // 20)),
        "new_certificates": _certificates(b, max(1, size // 20)),
        "snapshot": _new_snapshot(b),
    }
    b.households.sort(key=lambda h: (h["updated_at"], h["household_id"]))
    b.disability.sort(key=lambda c: c["certNo"])
    _atomic(root / layout.CIVIL_HOUSEHOLDS, _jsonl(b.households))
    _atomic(root / layout.DISABILITY_PERSONS, _jsonl(b.disability))
    _atomic_lines(root / layout.MEDICAL_INSURED, (b.medical_lines[k] for k in sorted(b.medical_lines)))
    _atomic(
        root / layout.POVERTY_LISTING,
        (json.dumps(b.listing, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
    )
    _atomic(root / layout.TRUTH, _sorted_jsonl(b.truth))
    _atomic(root / layout.MALFORMED, _sorted_jsonl(b.malformed))
    counts = dict(b.meta.get("counts", {}))
    counts.update(
        civil_households=len(b.households),
        disability_persons=len(b.disability),
        medical_persons=len(b.medical_lines),
        truth=len(b.truth),
        malformed=len(b.malformed),
    )
    b.meta.update(
        persons=int(b.meta["persons"]) + b.new_persons,
        counts=counts,
        mutations=int(b.meta.get("mutations", 0)) + 1,
    )
    _atomic(root / layout.META, (json.dumps(b.meta, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return done
