"""The reference data in the database follow matrices/data/zrm.json, also in older databases."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from matrices.models import Column, Level, Matrix
from matrices.reference import reference
from networks.services import create_network


def test_the_split_preset_names_the_network_column_apart_from_the_domain(db):
    split = Matrix.objects.get(preset_key="akad-split")
    assert split.columns.get(key="netwerk").name == "Eigen netwerk"
    domain_names = {d["nl"] for s in reference()["domain_sets"] for d in s["domains"]}
    assert not {column.name for column in split.columns.all()} & domain_names


def test_level_names_follow_the_reference(db):
    assert Level.objects.get(score=3).name_en == "Barely self-sufficient"


@pytest.mark.django_db(transaction=True)
def test_the_migration_renames_old_copies_and_keeps_a_networks_own_name():
    renamed = create_network(name="Noord", preset=Matrix.objects.get(preset_key="akad-split"))
    own = create_network(name="Zuid", preset=Matrix.objects.get(preset_key="akad-split"))
    Column.objects.filter(matrix=renamed.matrix, key="netwerk").update(name="Sociaal netwerk")
    Column.objects.filter(matrix=own.matrix, key="netwerk").update(name="Familie en buren")
    Column.objects.filter(matrix__preset_key="akad-split", key="netwerk").update(
        name="Sociaal netwerk"
    )

    executor = MigrationExecutor(connection)
    executor.migrate([("matrices", "0002_reference_data")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    names = dict(Column.objects.filter(key="netwerk").values_list("matrix_id", "name"))
    assert names[renamed.matrix_id] == "Eigen netwerk"
    assert names[own.matrix_id] == "Familie en buren"
    assert Matrix.objects.get(preset_key="akad-split").columns.get(key="netwerk").name == (
        "Eigen netwerk"
    )
