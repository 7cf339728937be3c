from django.db import transaction

from .models import Column, Matrix


@transaction.atomic
def copy_matrix(*, preset: Matrix, name: str) -> Matrix:
    """A network's own copy of a preset, so it can rename, add or reorder columns."""
    matrix = Matrix.objects.create(name=name, domain_set=preset.domain_set)
    Column.objects.bulk_create(
        Column(
            matrix=matrix,
            key=column.key,
            name=column.name,
            name_en=column.name_en,
            order=column.order,
            formality=column.formality,
            hint=column.hint,
        )
        for column in preset.columns.all()
    )
    return matrix
