"""Graph: the Neo4j model, batched ingest, identity resolution and the integrity rules.

The graph is a derived view of the four sources: it can always be rebuilt from them.

May import: adapters (records and normalisation), neo4j, the standard library.
Never strawberry, starlette or sqlmodel: what the graph needs from the hub (cursors,
findings) it declares as a ``Protocol`` and the hub passes in.
"""
