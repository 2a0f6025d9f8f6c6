"""Small reads made on every page, written to SQL once by the ORM and run again with other ids.

For a small indexed read (a person's unread notifications, the latest events of one workspace),
Django spends more processor time building the query (each filter resolved into joins) and compiling
it into SQL than the database spends answering it: about 1 ms against 0.1 ms for the feed's events.
A read that a busy page makes on every request, and that differs from one request to the next only
by the ids it is given, is built and compiled here once per database connection and then run with
the new ids, its values converted as the ORM converts them (time zones, booleans).

    LATEST = PreparedRead(lambda twinning: Event.objects.filter(twinning_id=twinning).values("pk", "at")[:50])
    rows = LATEST.dicts(twinning.pk)

Only whole numbers (primary keys) are arguments, or lists of a few of them (a page's worth, for an
`__in` filter): the queryset is built once with a marker number for each, and each marker is found
again among the SQL's parameters (an argument the ORM changed, or one that does not reach the SQL, is
an error when the read is first compiled, not a wrong answer). A list's SQL has a place for each of its
ids, so a read is compiled once per length of its lists; an empty list reads nothing, as the ORM has it.

    PROFILES = PreparedRead(lambda pks: TwinningProfile.objects.filter(pk__in=pks).values_list("pk", "capacity"))
    rows = PROFILES.rows([3, 5, 8])

A value that is not an id but takes only a few values while the site runs (a school year, which a small
integer column holds and no marker fits) is given after the ids, as one of `values` last arguments: the
read is compiled once for each value it is given, the value written into it as the queryset has it.

    OF_YEAR = PreparedRead(lambda school, year: Profile.objects.filter(school_id=school, year=year), values=1)
    OF_YEAR.objects(school.pk, 2026)
Everything else in the queryset (a status, a limit) is fixed when it is built. The database is chosen
by the routers on every call, as the queryset would (the replica where a request may read from it),
and each connection has its own compiled copy.
"""

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators

# Markers standing for the arguments while the queryset is compiled: numbers no row has as its id.
_MARK = -7_340_291_000
# An id beyond what a database's integer holds (an address may carry any number) matches no row, as the ORM has it.
_LARGEST = 2**63 - 1
# The longest list of ids a prepared read takes (each length is compiled once): a page's worth. Longer lists are
# read by the ORM.
MAX_LIST = 100


@dataclass(frozen=True)
class _Compiled:
    sql: str | None  # None: a list was empty, and the ORM reads nothing
    # Per SQL parameter: the argument's position (and, for a list, the id's place in it), or the value fixed in it.
    slots: list[tuple[int | None, int | None, Any]]
    names: list[str]  # the columns of a values() read
    converters: list[tuple[int, list, Any]]  # (column, the ORM's converters, its expression)
    make_objects: Callable[[list[tuple]], list] | None  # model instances from the rows, for a read of objects


def _object_maker(compiler, alias: str) -> Callable[[list[tuple]], list]:
    """Model instances (with what `select_related` joined) from converted rows, as Django's ModelIterable
    makes them from the same compiled query."""
    select, klass_info = compiler.select, compiler.klass_info
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, alias)
    annotations = list(compiler.annotation_col_map.items()) if compiler.annotation_col_map else []

    def make(rows: list[tuple]) -> list:
        made = []
        for row in rows:
            instance = model.from_db(alias, attnames, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations:
                setattr(instance, name, row[position])
            made.append(instance)
        return made

    return make


class PreparedRead:
    """A read built by `build(*ids, *values)` (a queryset: of objects, or `values()`/`values_list()`),
    compiled once per connection (and per value of its `values` last arguments) and run with new ids
    (`objects`, `rows`, `dicts`, `flat`, `value`)."""

    def __init__(self, build: Callable[..., QuerySet], *, arity: int = 1, values: int = 0):
        self.build = build
        self.arity = arity
        self.values = values
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._model = None  # known once first built: a module may define its reads before the models are ready

    def _built(self, shape: tuple[int | None, ...], values: tuple) -> QuerySet:
        return self.build(*(list(m) if isinstance(m, tuple) else m for m in self._marks(shape)), *values)

    def _model_of(self, shape: tuple[int | None, ...], values: tuple):
        if self._model is None:
            self._model = self._built(shape, values).model
        return self._model

    def _marks(self, shape: tuple[int | None, ...] | None = None) -> tuple:
        """A marker number for each argument (a tuple of them for a list argument of that length)."""
        shape = shape or (None,) * self.arity
        marks: list = []
        n = 0
        for length in shape:
            if length is None:
                marks.append(_MARK - n)
                n += 1
            else:
                marks.append(tuple(_MARK - n - k for k in range(length)))
                n += length
        return tuple(marks)

    def _compile(self, alias: str, shape: tuple[int | None, ...], values: tuple) -> _Compiled:
        marks = self._marks(shape)
        where: dict[int, tuple[int, int | None]] = {}
        for position, mark in enumerate(marks):
            if isinstance(mark, tuple):
                where.update({m: (position, place) for place, m in enumerate(mark)})
            else:
                where[mark] = (position, None)
        queryset = self._built(shape, values).using(alias)
        if queryset._prefetch_related_lookups:
            raise ValueError("A prepared read runs one statement: prefetch_related is not for it.")
        query = queryset.query
        compiler = query.get_compiler(using=alias)
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            if 0 not in shape:
                raise ValueError(
                    f"A prepared read of {query.model.__name__} has ids that do not reach its SQL (a column too small "
                    "for the markers?): give such a value as one of its `values`."
                ) from None
            # An empty list: the ORM reads nothing.
            nothing = (lambda rows: []) if queryset._iterable_class is ModelIterable else None
            return _Compiled(sql=None, slots=[], names=names, converters=[], make_objects=nothing)
        slots = [(*where[p], None) if isinstance(p, int) and p in where else (None, None, p) for p in params]
        missing = set(where.values()) - {(position, place) for position, place, _value in slots if position is not None}
        if missing:
            positions = sorted({position for position, _place in missing})
            raise ValueError(f"Arguments {positions} of a prepared read do not reach its SQL: {sql}")
        columns = [expression for expression, _sql, _alias in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        return _Compiled(
            sql=sql,
            slots=slots,
            names=names,
            converters=[(position, functions, expression) for position, (functions, expression) in converters.items()],
            make_objects=_object_maker(compiler, alias) if queryset._iterable_class is ModelIterable else None,
        )

    def _compiled_for(self, alias: str, shape: tuple[int | None, ...], values: tuple) -> tuple[_Compiled, Any]:
        connection = connections[alias]
        shapes = self._compiled.get(connection)
        if shapes is None:
            shapes = self._compiled[connection] = {}
        compiled = shapes.get((shape, values))
        if compiled is None:
            compiled = shapes[shape, values] = self._compile(alias, shape, values)
        return compiled, connection

    @staticmethod
    def _whole(n: Any) -> bool:
        return isinstance(n, int) and not isinstance(n, bool)

    def _execute(self, given: tuple) -> tuple[_Compiled, list[tuple]]:
        if len(given) != self.arity + self.values:
            raise TypeError(f"A prepared read of {self.arity} ids and {self.values} values was given {len(given)}.")
        ids, values = given[: self.arity], given[self.arity :]
        args: list = []
        for n in ids:
            if isinstance(n, list | tuple):
                if len(n) > MAX_LIST or not all(self._whole(k) for k in n):
                    raise TypeError(f"A prepared read takes lists of at most {MAX_LIST} whole numbers (ids).")
                # An id no integer column holds matches nothing, in an `IN` as in a `NOT IN`: left out.
                args.append([k for k in n if -_LARGEST <= k <= _LARGEST])
            elif self._whole(n):
                args.append(n)
            else:
                raise TypeError(f"A prepared read takes whole numbers (ids), not {ids!r}.")
        shape = tuple(len(n) if isinstance(n, list) else None for n in args)
        compiled, connection = self._compiled_for(router.db_for_read(self._model_of(shape, values)), shape, values)
        if compiled.sql is None or any(type(n) is int and not -_LARGEST <= n <= _LARGEST for n in args):
            return compiled, []
        params = [
            value if position is None else args[position] if place is None else args[position][place]
            for position, place, value in compiled.slots
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            found = cursor.fetchall()
        if compiled.converters:
            found = [self._converted(row, compiled.converters, connection) for row in found]
        return compiled, found

    @staticmethod
    def _converted(row: tuple, converters: list, connection) -> tuple:
        values = list(row)
        for position, functions, expression in converters:
            value = values[position]
            for convert in functions:
                value = convert(value, expression, connection)
            values[position] = value
        return tuple(values)

    def objects(self, *ids: Any) -> list:
        compiled, found = self._execute(ids)
        if compiled.make_objects is None:
            raise TypeError("This prepared read gives values, not objects.")
        return compiled.make_objects(found)

    def rows(self, *ids: Any) -> list[tuple]:
        return self._execute(ids)[1]

    def dicts(self, *ids: Any) -> list[dict[str, Any]]:
        compiled, found = self._execute(ids)
        return [dict(zip(compiled.names, row, strict=True)) for row in found]

    def flat(self, *ids: Any) -> list[Any]:
        return [row[0] for row in self._execute(ids)[1]]

    def value(self, *ids: Any, default: Any = None) -> Any:
        """The first column of the first row, or `default` when there is none."""
        found = self._execute(ids)[1]
        return found[0][0] if found else default


class PreparedReadOfMany:
    """A read of the rows of a few ids at once (`build(*ids)`, a queryset filtering `__in` them, such as a twinning's
    schools' hours): a `PreparedRead` for each number of ids up to `up_to`, compiled when that number is first asked
    for; more ids than that are read through the queryset itself, so the compiled reads stay few.

    `objects(ids)` and `rows(ids)` answer as `list(build(*ids))` would (objects, or the tuples of `values_list()`)."""

    def __init__(self, build: Callable[..., QuerySet], *, up_to: int = 8):
        self.build = build
        self.up_to = up_to
        self._reads: dict[int, PreparedRead] = {}

    def _read(self, count: int) -> PreparedRead | None:
        if not 0 < count <= self.up_to:
            return None
        read = self._reads.get(count)
        if read is None:
            read = self._reads[count] = PreparedRead(self.build, arity=count)
        return read

    def objects(self, ids: list[int]) -> list:
        read = self._read(len(ids))
        return read.objects(*ids) if read is not None else list(self.build(*ids))

    def rows(self, ids: list[int]) -> list[tuple]:
        read = self._read(len(ids))
        return read.rows(*ids) if read is not None else list(self.build(*ids))
