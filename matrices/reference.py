"""The method's reference data (ZRM names and levels, placemat columns, step timeboxes).

`data/zrm.json` is the project's own copy of the facts; the data migration loads it into
the database, where networks and the admin can change it. Only the step list and the
default timeboxes are read from here at run time.

When `zrm.json` changes, add a data migration that calls `load_reference_data` again: the
loader is idempotent (create or update by key), so databases migrated before the change get
it too, and a new database simply loads the same facts twice.
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


def load_reference_data(apps) -> None:
    """Create or update the ZRM levels, domain sets and column presets from `data/zrm.json`.

    `apps` is the migration's historical registry (or `django.apps.apps`); idempotent."""
    Level = apps.get_model("matrices", "Level")
    DomainSet = apps.get_model("matrices", "DomainSet")
    Domain = apps.get_model("matrices", "Domain")
    Matrix = apps.get_model("matrices", "Matrix")
    Column = apps.get_model("matrices", "Column")
    data = reference()

    for level in data["levels"]:
        Level.objects.update_or_create(
            score=level["score"], defaults={"name": level["nl"], "name_en": level["en"]}
        )
    default_set = None
    for item in data["domain_sets"]:
        domain_set, _ = DomainSet.objects.update_or_create(
            key=item["key"],
            defaults={"name": item["nl"], "name_en": item["en"], "is_default": item["default"]},
        )
        if item["default"]:
            default_set = domain_set
        for order, domain in enumerate(item["domains"], start=1):
            Domain.objects.update_or_create(
                domain_set=domain_set,
                key=domain["key"],
                defaults={"name": domain["nl"], "name_en": domain["en"], "order": order},
            )
    columns = {column["key"]: column for column in data["columns"]}
    for preset in data["column_presets"]:
        matrix, _ = Matrix.objects.update_or_create(
            preset_key=preset["key"], defaults={"name": preset["nl"], "domain_set": default_set}
        )
        for order, key in enumerate(preset["columns"], start=1):
            column = columns[key]
            Column.objects.update_or_create(
                matrix=matrix,
                key=key,
                defaults={
                    "name": column["nl"],
                    "name_en": column["en"],
                    "order": order,
                    "formality": column["formality"],
                    "hint": column.get("hint_nl", ""),
                },
            )
