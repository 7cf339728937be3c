"""zrm.json renamed the split preset's column "Sociaal netwerk" (the name of a ZRM domain, so
screens read "Sociaal netwerk · Sociaal netwerk") to "Eigen netwerk", and the English level 3
to "Barely self-sufficient". The presets take the new names from the loader; the networks'
own copies are renamed too, unless the network gave the column a name of its own."""

from django.db import migrations

from matrices.reference import load_reference_data

OLD, NEW = "Sociaal netwerk", "Eigen netwerk"


def forwards(apps, schema_editor):
    load_reference_data(apps)
    Column = apps.get_model("matrices", "Column")
    Column.objects.filter(key="netwerk", name=OLD).update(name=NEW)


def backwards(apps, schema_editor):
    Column = apps.get_model("matrices", "Column")
    Column.objects.filter(key="netwerk", name=NEW).update(name=OLD)


class Migration(migrations.Migration):
    dependencies = [("matrices", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, backwards)]
