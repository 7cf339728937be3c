"""What a guest's phone shows of their own: the tips they sent for the current case."""

from __future__ import annotations

import functools

from django.db import connection

from matrices.models import Column, Domain

from ..models import CaseDiscussion, Guest, Tip

# The list is the answer to every tip sent from a phone and part of every poll that finds a
# change: its one statement is written out once. Built by the ORM, with its two joins, it
# cost a fifth of adding a tip from a phone (compiling the query, not running it).
_CELLS = {"d": (Domain, "domain"), "c": (Column, "column")}  # alias: model, the tip's field


@functools.cache
def _own_tips_sql() -> str:
    quote = connection.ops.quote_name
    columns = [f"t.{quote(field.column)}" for field in Tip._meta.concrete_fields]
    for alias, (model, _field) in _CELLS.items():
        columns += [
            f"{alias}.{quote(field.column)} AS {quote(f'{alias}_{field.attname}')}"
            for field in model._meta.concrete_fields
        ]
    tip = Tip._meta
    return (
        f"SELECT {', '.join(columns)} FROM {quote(tip.db_table)} t "
        f"JOIN {quote(Domain._meta.db_table)} d "
        f"ON d.{quote(Domain._meta.pk.column)} = t.{quote(tip.get_field('domain').column)} "
        f"JOIN {quote(Column._meta.db_table)} c "
        f"ON c.{quote(Column._meta.pk.column)} = t.{quote(tip.get_field('column').column)} "
        f"WHERE t.{quote(tip.get_field('guest').column)} = %s "
        f"AND t.{quote(tip.get_field('case').column)} = %s "
        f"ORDER BY t.{quote(tip.get_field('created_at').column)}, t.{quote(tip.pk.column)}"
    )


def own_tips(guest: Guest, case: CaseDiscussion | None) -> list[Tip]:
    """The guest's tips for `case`, oldest first, with their cell (one query)."""
    if case is None:
        return []
    tips = list(Tip.objects.raw(_own_tips_sql(), [guest.pk, case.pk]))
    for tip in tips:
        # The tip's own fields come converted (Django's raw query); its domain and column are
        # plain numbers and text, made into the rows they are.
        for alias, (model, field) in _CELLS.items():
            names = [column.attname for column in model._meta.concrete_fields]
            values = [tip.__dict__.pop(f"{alias}_{name}") for name in names]
            Tip._meta.get_field(field).set_cached_value(
                tip, model.from_db(tip._state.db, names, values)
            )
    return tips
