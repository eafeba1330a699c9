"""Imitation department servers: the four contracts served over real HTTP from a population folder.

One Starlette app per department (``civil``, ``poverty``, ``disability``,
``medical``), each with its own authentication, paging, formats, errors and rate
limit exactly as ``shared/contracts`` fixes them, served from the files of
:mod:`sandbox.layout` without loading them whole. Faults (5xx bursts, slow
answers, spurious throttling, corrupt downloads) and the disability registry's
churn are switched on by :class:`FaultSettings`; they never happen when off.

May import :mod:`sandbox.layout` only (and the adapters' records, which it does
not need). Public names: :class:`ServerConfig`, :class:`Credentials`,
:class:`FaultSettings`, :func:`run_servers`, :func:`write_endpoints`,
:func:`sign_request`.

Example, in a test::

    async with run_servers(population, ServerConfig()) as endpoints:
        async with httpx.AsyncClient() as client:
            await client.get(endpoints["disability"]["base_url"] + "/cdpf/api/v2/persons",
                             headers={"X-Api-Key": endpoints["disability"]["api_key"]})
"""

from sandbox.servers.auth import sign_request
from sandbox.servers.config import Credentials, FaultSettings, ServerConfig
from sandbox.servers.runner import run_servers, write_endpoints

__all__ = [
    "Credentials",
    "FaultSettings",
    "ServerConfig",
    "run_servers",
    "sign_request",
    "write_endpoints",
]
