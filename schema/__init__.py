"""Schema: the Strawberry GraphQL types, resolvers, DataLoaders, permissions and Context.

May import: graph, adapters, strawberry, the standard library. Services it needs from
the hub (the findings store, users, the audit log) are ``Protocol``s in
``schema.context``, implemented by the hub.
"""
