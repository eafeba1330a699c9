"""Adapters: one client per department system, and the normalisation of what they send.

Each adapter takes an ``httpx.AsyncClient`` built by the hub and yields the canonical
records of :mod:`adapters.records` (or :class:`adapters.records.Quarantined` rows).

May import: the standard library, httpx, opencc, orjson. Never neo4j, strawberry or
sqlmodel; never another layer of the project. Adapters never import one another: what
they share lives in ``records``, ``normalise``, ``http`` and ``errors``.
"""
