"""Hand-written single-row reads and inserts for the API's hottest paths.

Every offline logbook write authenticates a token, finds the attendee and inserts a row.
Building those statements with the ORM cost more CPU than the database spent running them
(compiling a queryset is ~0.5 ms of Python per query on the benchmark machine), so these few
are written as SQL once per connection vendor and their rows turned into model instances the
way the ORM does it: every column through the backend's and the field's converters, then
``Model.from_db``. Everything else keeps using the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model


@dataclass(frozen=True)
class Shape:
    """How to read all concrete columns of ``model`` under a table alias."""

    model: type[Model]
    columns: str  # for the select list
    attnames: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]  # (index, functions, Col)

    @property
    def width(self) -> int:
        return len(self.attnames)

    def build(self, row: Sequence[Any], offset: int, using: str) -> Model:
        values = list(row[offset : offset + self.width])
        connection = connections[using]
        for index, functions, expression in self.converters:
            value = values[index]
            for function in functions:
                value = function(value, expression, connection)
            values[index] = value
        return self.model.from_db(using, self.attnames, values)


_shapes: dict[tuple[str, type[Model], str], Shape] = {}


def shape(model: type[Model], alias: str, using: str = "default") -> Shape:
    key = (using, model, alias)
    found = _shapes.get(key)
    if found is not None:
        return found
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        expression = field.get_col(alias)
        functions = tuple(
            connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        )
        if functions:
            converters.append((index, functions, expression))
    found = Shape(
        model=model,
        columns=", ".join(f"{quote(alias)}.{quote(field.column)}" for field in fields),
        attnames=tuple(field.attname for field in fields),
        converters=tuple(converters),
    )
    _shapes[key] = found
    return found


def table(model: type[Model], using: str = "default") -> str:
    return connections[using].ops.quote_name(model._meta.db_table)


def column(model: type[Model], attname: str, using: str = "default") -> str:
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    return connections[using].ops.quote_name(field.column)


_inserts: dict[tuple[str, type[Model]], str] = {}


def insert_unless_exists(instance: Model, using: str = "default") -> bool:
    """INSERT the instance's row unless its primary key is taken: ``ON CONFLICT (pk) DO
    NOTHING``, so an existing row costs no savepoint and no error. True when inserted.

    Values go in exactly as the instance holds them (``get_db_prep_save``; no ``pre_save``,
    so ``auto_now`` fields must be set by the caller). Other constraint violations raise
    IntegrityError as ``save()`` would. PostgreSQL, or SQLite 3.24+ (Django needs 3.31)."""
    connection = connections[using]
    model = type(instance)
    fields = model._meta.concrete_fields
    key = (using, model)
    sql = _inserts.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        pk = quote(model._meta.pk.column)
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - names from the model
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({pk}) DO NOTHING"
        )
        _inserts[key] = sql
    params = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = cursor.rowcount == 1
    if inserted:
        instance._state.adding = False
        instance._state.db = using
    return inserted
