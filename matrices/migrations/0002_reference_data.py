"""Load the method's reference data from matrices/data/zrm.json (the project's own copy)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "zrm.json"


def load(apps, schema_editor):
    Level = apps.get_model("matrices", "Level")
    DomainSet = apps.get_model("matrices", "DomainSet")
    Domain = apps.get_model("matrices", "Domain")
    Matrix = apps.get_model("matrices", "Matrix")
    Column = apps.get_model("matrices", "Column")
    data = json.loads(DATA.read_text(encoding="utf-8"))

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


class Migration(migrations.Migration):
    dependencies = [("matrices", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
