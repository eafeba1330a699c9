"""Hub: the composition root. Settings, the Starlette app, the SQL store, the CLI.

Only the hub reads the environment and builds real clients (httpx, neo4j, SQL
engines); every layer below takes plain constructor arguments.

May import: every layer of the project.
"""
