"""The hub's own SQL store: what only the hub knows (the graph holds what the sources say).

Finding reviews and their history, check and sync runs, resume cursors, quarantined
rows, poverty snapshots and departures, users, tokens and the audit log. SQLite by
default, PostgreSQL when ``DOUDI_SQL_URL`` says so; synchronous SQLModel sessions
(async callers run them in a thread). Every function takes the caller's
``Session`` and flushes, never commits: the caller's transaction decides, so an
audit entry lands together with what it records.

May import: ``graph.hits`` and ``adapters.records`` (value types), sqlmodel/sqlalchemy.

Public modules: ``db`` (engines, sessions), ``findings`` (record a check run's hits),
``review`` (the workflow), ``listing`` (queries, export), ``checks`` (check runs),
``users`` (users, tokens, authentication), ``audit`` (the hash-chained log),
``sync`` (sync runs, cursors, quarantine, snapshots), ``errors``, ``states``, ``views``.
"""
