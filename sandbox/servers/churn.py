"""The disability registry being updated while the hub pages through it (``--churn``).

The contract warns that ``total`` may change between calls and that the hub
must neither lose nor double a person. Churn makes that happen on purpose,
deterministically (one generator seeded by ``seed``), and only when on:

* A **pass** starts with a call at ``offset=0``: every hidden person is put
  back and the record of what was served is cleared.
* Before answering a call with ``offset > 0``, with probability ``churn_rate``
  one change is made to the list the call asks for (its ``modifiedAfter`` and
  ``regionCode`` filters), always **before** the requested offset:

  - *delete*: a person already served in this pass is hidden. ``total`` drops
    by one and everything after moves up one place, so a client that just adds
    ``limit`` to its offset skips a person;
  - *insert*: when someone is hidden, half of the changes put one back instead.
    ``total`` grows by one and everything after moves down, so the same client
    receives a person twice.

* When a page reaches the end of the list, every hidden person is put back
  after answering: the registry settles, and the file's persons are all there.

Only persons already served in the pass are hidden, so a client that anchors on
the last ``certNo`` it has seen (skipping rows up to it, stepping back when a
page no longer overlaps it) ends with exactly the file's persons, each once.
No invented person is ever served. Churn assumes one paging client at a time,
as the hub is: a second client's pass restarts the first one's.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence

from sandbox.servers.config import FaultSettings
from sandbox.servers.index import Snapshot


class Churn:
    """Pages of a list whose length moves while it is read (a plain slice when churn is off)."""

    def __init__(self, settings: FaultSettings) -> None:
        self.enabled = settings.churn
        self.rate = settings.churn_rate
        self._random = random.Random(f"{settings.seed}:churn")
        self._hidden: set[int] = set()
        self._served: set[int] = set()
        self._signature: object = None
        self.changes = 0

    def _hidden_positions(self, rows: Sequence[int]) -> list[int]:
        """Where the hidden rows sit in ``rows`` (ascending row numbers), ascending."""
        positions = []
        for row in self._hidden:
            at = bisect.bisect_left(rows, row)
            if at < len(rows) and rows[at] == row:
                positions.append(at)
        return sorted(positions)

    @staticmethod
    def _base(visible: int, hidden: list[int]) -> int:
        """The position in the full list of the ``visible``-th row still shown."""
        position = visible
        for h in hidden:
            if h <= position:
                position += 1
            else:
                break
        return position

    def page(self, snap: Snapshot, rows: Sequence[int], offset: int, limit: int) -> tuple[int, list[int]]:
        """``total`` and the rows of the page at ``offset`` after this call's change (if any)."""
        if not self.enabled:
            return len(rows), list(rows[offset : offset + limit])
        if snap.signature != self._signature:  # the file was rewritten: row numbers changed
            self._signature = snap.signature
            self._hidden.clear()
            self._served.clear()
        if offset == 0:
            self._hidden.clear()
            self._served.clear()
        elif self._random.random() < self.rate:
            self._change(rows, offset)
        hidden = self._hidden_positions(rows)
        total = len(rows) - len(hidden)
        chosen: list[int] = []
        position = self._base(offset, hidden) if offset < total else len(rows)
        hidden_set = set(hidden)
        while position < len(rows) and len(chosen) < limit:
            if position not in hidden_set:
                chosen.append(rows[position])
            position += 1
        self._served.update(chosen)
        if offset + limit >= total:
            self._hidden.clear()  # the registry settles at the end of a pass
        return total, chosen

    def _change(self, rows: Sequence[int], offset: int) -> None:
        hidden = self._hidden_positions(rows)
        if hidden and self._random.random() < 0.5:
            self._hidden.discard(rows[self._random.choice(hidden)])
            self.changes += 1
            return
        shown = len(rows) - len(hidden)
        if shown == 0:
            return
        position = self._base(self._random.randrange(min(offset, shown)), hidden)
        row = rows[position]
        if row in self._served:
            self._hidden.add(row)
            self.changes += 1
