"""The graph model: labels, keys, relationships and the migration that fixes them.

Each source's facts stay apart (a civil household is not a poverty household) and
meet at the ``Person`` they name. Every fact node carries its provenance: ``source``,
``record_key``, ``fetched_at`` and ``raw`` (the row as received, JSON text), so a
finding can cite it. Dates are Neo4j ``DATE``, times ``DATETIME``, money ``FLOAT``
yuan, names both as written (``name``) and as compared (``name_key``).

Nodes (key property first)::

    (:Person {id, valid, birth_date, gender, region6})
        id: the normalised 18-character number; for a number still invalid after
        normalisation, the normalised text as written (valid = false).
        birth_date / gender: read from the number itself (null when unreadable).
    (:CivilHousehold {key: "civil:<household_id>", household_id, region_code, county,
        address, address_key, area_type, status, updated_at,
        dibao: bool, dibao_category, dibao_status, dibao_start, dibao_end,
        dibao_amount, dibao_income, dibao_standard, + provenance})
        A household first named by a 特困 record or a payment, before its own row
        arrives, is a stub: only key and household_id.
    (:Tekun {key: "<id value>|<household_id>|<start_date>", household_id,
        support_mode, status, start_date, end_date, monthly_amount, care_level,
        updated_at, name, name_key, raw_id, linked, + provenance})
    (:Payment {key: payment_id, program, amount, paid_on, reason, region_code,
        household_id, raw_id, linked, + provenance})
    (:Standard {key: "<county>|<area_type>|<effective_from>", county, area_type,
        monthly_standard, effective_from})
    (:PovertyHousehold {key: "poverty:<户编号>", household_id, region_code, county,
        head_name, address, address_key, household_type, risk_cleared,
        income_per_capita_year, year_identified, snapshot, + provenance})
        Only the households of each county's newest snapshot are in the graph; a
        departure is recorded by the hub (SQL) and removed here.
    (:Certificate {key: certNo, cert_no, id_card_raw, disability_type,
        disability_level, status, cancel_reason, issue_date, valid_until,
        region_code, address, address_key, modified_at, guardian_name,
        guardian_id, + provenance})
    (:Subsidy {key: "<certNo>|<type>|<start_date>", type, status, monthly_amount,
        start_date, end_date})
    (:MedicalAnswer {key: "<id>|<year>", year, found, name, name_key, deceased,
        death_date, + provenance})
    (:Insurance {key: "<id>|<year>|<n>", insurance_type, region_code, year, status,
        contribution, subsidy_category, subsidy, enrolled_on})
    (:Region {code, level, prefix})  level 1 province … 5 village
        code: the 12-digit code, zero-padded at every level (county 530102 is
        "530102000000"); prefix: its 2, 4, 6, 9 or 12 significant digits.
        Every code a household or certificate sits in brings its ancestors.
    (:Address {key: "<12-digit region>|<house part>"})

Relationships::

    (Person)-[:CIVIL_MEMBER {relation, relation_code, covered, name, name_key,
              gender, birth_date, raw_id, linked}]->(CivilHousehold)
    (Person)-[:POVERTY_MEMBER {relation, relation_word, name, name_key, gender,
              birth_date, ethnicity, labour_skill, health: [str], school,
              raw_id, linked, line, snapshot}]->(PovertyHousehold)
        snapshot: the file that last listed the membership (a newer snapshot of the
        county deletes memberships it does not list).
    (Person)-[:HAS_TEKUN]->(Tekun)-[:TEKUN_HOUSEHOLD]->(CivilHousehold)
    (Person)-[:RECEIVED]->(Payment)-[:PAYMENT_HOUSEHOLD]->(CivilHousehold)
    (Person)-[:HOLDS {name, name_key, gender, birth_date, raw_id, linked}]->(Certificate)
    (Certificate)-[:HAS_SUBSIDY]->(Subsidy)
    (Person)-[:MEDICAL]->(MedicalAnswer)-[:HAS_INSURANCE]->(Insurance)
    (CivilHousehold|PovertyHousehold|Certificate)-[:IN_REGION]->(Region)
    (Region)-[:PARENT]->(Region)            child to the level above
    (CivilHousehold|PovertyHousehold|Certificate)-[:AT]->(Address)
    (Person {valid: false})-[:LINKED_TO {source, confidence, method, at}]->(Person {valid: true})
        identity resolution: the facts of ``source`` written with that invalid
        number have moved to the valid person; later rows follow the link.

Gender everywhere is ``M`` / ``F``; relation is a :class:`adapters.records.Relation`
name. ``linked`` on a membership (and on a Tekun or Payment node) is true when the
fact reached its person through identity resolution rather than its own valid number.
"""

from __future__ import annotations

from typing import Final

LABEL_KEYS: Final[tuple[tuple[str, str], ...]] = (
    ("Person", "id"),
    ("CivilHousehold", "key"),
    ("Tekun", "key"),
    ("Payment", "key"),
    ("Standard", "key"),
    ("PovertyHousehold", "key"),
    ("Certificate", "key"),
    ("Subsidy", "key"),
    ("MedicalAnswer", "key"),
    ("Insurance", "key"),
    ("Region", "code"),
    ("Address", "key"),
)
"""Every node label and its unique key: one uniqueness constraint each."""

INDEXES: Final[tuple[tuple[str, str], ...]] = (
    ("Person", "valid"),
    ("CivilHousehold", "county"),
    ("CivilHousehold", "region_code"),
    ("CivilHousehold", "dibao_status"),
    ("PovertyHousehold", "county"),
    ("PovertyHousehold", "region_code"),
    ("PovertyHousehold", "snapshot"),
    ("Certificate", "status"),
    ("Certificate", "region_code"),
    ("Tekun", "status"),
    ("Payment", "program"),
    ("MedicalAnswer", "year"),
    ("Region", "level"),
)
"""Range indexes on the properties rules and the API filter by."""


def constraint_statements() -> tuple[str, ...]:
    """The Cypher that creates every constraint and index; each is idempotent."""
    statements = [
        f"CREATE CONSTRAINT {label.lower()}_{key} IF NOT EXISTS "
        f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"
        for label, key in LABEL_KEYS
    ]
    statements += [
        f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
        for label, prop in INDEXES
    ]
    return tuple(statements)
