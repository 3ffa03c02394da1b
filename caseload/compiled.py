"""Querysets built and compiled once, then run many times with new values: for the hottest reads.

Django builds a queryset's tree and compiles it to SQL on every run. For the few reads every page
makes (the client's own record, My caseload's rows) that took 1 to 6 ms each, several times what
PostgreSQL takes to answer them. A `CompiledQuery` builds its queryset once per database, with a
`Param` wherever a value goes, and keeps Django's SQL, its constant parameters and its converters.
Each run binds the values (prepared by the field, as Django prepares them), executes, and returns
plain rows converted as Django converts them: the SQL is Django's own, on SQLite and PostgreSQL.

On PostgreSQL the query's constants (a status, a contact type, the 1 of an EXISTS) are written into
the SQL as literals and only the `Param`s stay parameters. With the connection preparing repeated
statements (`prepare_threshold`), PostgreSQL then settles on one generic plan that knows every
constant, instead of planning the statement again on every run: with a constant left as a parameter
it could not tell `status = 'draft'` (a few rows) from any other status, and kept planning anew.

Only for a query whose shape is fixed: the values change, never the filters. Callers that choose
between shapes (a scope that depends on the role) keep one `CompiledQuery` per shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression, Field, QuerySet


def columns(model, *, only=None) -> tuple[str, ...]:
    """The columns of `model` (or `only` those), in the order `Model.from_db` takes them."""
    return tuple(field.attname for field in model._meta.concrete_fields if only is None or field.attname in only)


def load_related(instance, field_name: str, names: tuple[str, ...], values, using: str):
    """Put the related row (`names`, its model's own columns) in place, as select_related does; None for an empty key."""
    field = instance._meta.get_field(field_name)
    related = field.related_model.from_db(using, names, values) if getattr(instance, field.attname) is not None else None
    field.set_cached_value(instance, related)
    return related


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where a `Param`'s value goes in the compiled parameters."""

    name: str
    field: Field


class Param(Expression):
    """A value given when a `CompiledQuery` runs: `filter(case_manager_id=Param("user", IntegerField()))`.

    `output_field` prepares the value for the database, as a filter on that field would.
    """

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def __repr__(self):
        return f"Param({self.name!r})"

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name, self.output_field)]


# A placeholder, or an escaped percent sign (which is not one), in Django's SQL.
_PLACEHOLDER = re.compile(r"(%%|%s)")


def inline_constants(sql: str, params, connection) -> tuple[str, tuple]:
    """`sql` with every parameter but the `Param` slots written in as a literal, quoted by the driver (PostgreSQL).

    Other databases keep their parameters: SQLite plans each statement itself.
    """
    if connection.vendor != "postgresql":
        return sql, tuple(params)
    pieces = _PLACEHOLDER.split(sql)
    if pieces.count("%s") != len(params):
        raise ValueError("the parameters do not match the placeholders")
    slots, params = [], iter(params)
    for index, piece in enumerate(pieces):
        if piece == "%s":
            param = next(params)
            if isinstance(param, _Slot):
                slots.append(param)
            else:
                pieces[index] = connection.ops.compose_sql("%s", [param]).replace("%", "%%")
    return "".join(pieces), tuple(slots)


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    params: tuple
    names: tuple[str, ...]
    compiler: object
    converters: dict


class CompiledQuery:
    """`build()` returns a `values()` or `values_list()` queryset using `Param`s; `rows(**values)` runs it."""

    def __init__(self, build: Callable[[], QuerySet]):
        self.build = build
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str) -> _Compiled:
        compiled = self._compiled.get(using)
        if compiled is None:
            query = self.build().query
            compiler = query.get_compiler(using)
            sql, params = compiler.as_sql()
            if query.selected is not None:  # values() and values_list() keep the order they were given
                names = tuple(query.selected)
            else:
                names = (*query.extra_select, *query.values_select, *query.annotation_select)
            if len(names) != compiler.col_count:
                raise TypeError("CompiledQuery needs a values() or values_list() queryset")
            expressions = [column[0] for column in compiler.select[: compiler.col_count]]
            sql, params = inline_constants(sql, params, connections[using])
            compiled = _Compiled(sql, params, names, compiler, compiler.get_converters(expressions))
            self._compiled[using] = compiled
        return compiled

    def names(self, using: str = DEFAULT_DB_ALIAS) -> tuple[str, ...]:
        """The columns of each row, in order."""
        return self._compile(using).names

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> list[tuple]:
        compiled = self._compile(using)
        connection = connections[using]
        params = []
        for param in compiled.params:
            if isinstance(param, _Slot):
                param = param.field.get_db_prep_value(values[param.name], connection, prepared=False)
            params.append(param)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = [tuple(row) for row in compiled.compiler.apply_converters(rows, compiled.converters)]
        return rows

    def instances(self, model, *, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        """The rows as `model` instances, loaded as the ORM loads them; the columns are `model`'s (`columns()`)."""
        names = self.names(using)
        return [model.from_db(using, names, row) for row in self.rows(using=using, **values)]
