"""Make ``graph`` the project's package when this folder is run on its own.

pytest puts ``tests/`` on ``sys.path`` (rootdir conftest, prepend mode), where
``tests/graph/`` would otherwise be found first as a namespace package named
``graph``; the repository root must come before it.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = str(Path(__file__).resolve().parents[3])
if sys.path[:1] != [REPO]:
    sys.path.insert(0, REPO)
