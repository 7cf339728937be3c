"""The method's reference data (ZRM names and levels, placemat columns, step timeboxes).

`data/zrm.json` is the project's own copy of the facts; the data migration loads it into
the database, where networks and the admin can change it. Only the step list and the
default timeboxes are read from here at run time.
"""

import json
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "zrm.json"


@cache
def reference() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


STEP_KEYS: tuple[str, ...] = tuple(step["key"] for step in reference()["steps"])
DEFAULT_TIMEBOXES: dict[str, int] = {step["key"]: step["minutes"] for step in reference()["steps"]}
