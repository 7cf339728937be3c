"""Load the method's reference data from matrices/data/zrm.json (the project's own copy)."""

from django.db import migrations

from matrices.reference import load_reference_data


def load(apps, schema_editor):
    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("matrices", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
