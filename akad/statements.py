"""Querysets whose SQL the ORM builds once, for the requests every screen sends every second.

Building a query is most of what a small fetch costs: for the access check of a changed
beamer poll (the meeting joined through its network to the viewer's membership) the ORM
spent more time resolving joins and compiling SQL than the database spent answering. A
`Statement` lets the ORM build that queryset once per database connection, with stand-in
values, and then runs the same SQL with each request's values; the rows become model
instances as the ORM's own iterator makes them (converters, `select_related`, annotations).

What the statement selects and joins is still written as a queryset, in the module that owns
the rule (`networks.access` for the access check): only its compilation is kept.

It uses the compiler's `select`, `klass_info` and `annotation_col_map` as Django 5.2's
`ModelIterable` does: after a Django upgrade, tests/akad/test_statements.py (the objects are
the ORM's, field for field) and the access tests say whether that still holds.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

# Stand-in values: negative numbers no row has, strings no field holds, and no query of ours
# has as a constant. Each must turn up exactly once among the compiled parameters, or the
# statement is refused.
_numbers = count(7_300_001)


def _stand_in(kind: type) -> int | str:
    number = next(_numbers)
    return -number if kind is int else f"\0stand-in {number}"


class Statement:
    """The SQL of `build(**values)`, compiled once per connection and run with new values.

    `build` takes the values as keyword arguments and returns the queryset; `kinds` names
    them with their type (`int` or `str`). Calling the statement with the same keywords
    returns its model instances, as a list.
    """

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        self.build = build
        self.kinds = kinds

    def _compile(self, connection, kept: dict):
        stand_ins = {name: _stand_in(kind) for name, kind in self.kinds.items()}
        queryset = self.build(**stand_ins)
        # Model objects only, as below: what else a queryset can do is not carried over.
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise ValueError("a statement gives model objects, without prefetching")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        params = list(params)
        slots = {}
        for name, value in stand_ins.items():
            places = [n for n, param in enumerate(params) if param == value]
            if len(places) != 1:
                raise ValueError(f"{name!r} appears {len(places)} times in the statement")
            slots[name] = places[0]
        compiled = kept[self] = (compiler, sql, params, slots, queryset.model)
        return compiled

    def __call__(self, *, using: str = "default", **values: int | str) -> list[Model]:
        if values.keys() != self.kinds.keys():  # a stand-in left in would be sent as a value
            raise TypeError(f"values for {sorted(self.kinds)} expected, got {sorted(values)}")
        connection = connections[using]
        # Kept on the connection object (each thread has its own), and gone with it: a
        # compiler holds its connection.
        kept = connection.__dict__.setdefault("_akad_statements", {})
        compiled = kept.get(self) or self._compile(connection, kept)
        compiler, sql, template, slots, model = compiled
        params = list(template)
        for name, value in values.items():
            params[slots[name]] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return []
        # What django.db.models.query.ModelIterable does with its compiler's rows.
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        objects = []
        for row in compiler.results_iter([rows]):
            obj = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in compiler.annotation_col_map.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects
