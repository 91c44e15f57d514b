"""Model instances from the rows of hand-written SQL that joins several tables.

For the few hot reads where building the ORM's query costs several times more than running it (issue 15: the
autosave). The SQL names its columns from the models (`select_list`), and each value is converted as the ORM
converts it (SQLite returns dates as text and booleans as integers), so an instance is the one the ORM would
have built.
"""

import functools

from django.db import connection


def is_id(value):
    """An integer that can be a primary key: hand-written SQL gets no such check from the ORM (and SQLite refuses
    an integer beyond 64 bits)."""
    return isinstance(value, int) and 0 < value < 2**63


def select_list(model, alias):
    """The model's concrete columns, qualified by the table alias, in the order `from_row` reads them."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def width(model):
    """How many columns of a row `select_list` gives the model."""
    return len(model._meta.concrete_fields)


def from_row(model, values):
    """An instance of `model` from its `select_list` values, or None when its primary key is NULL (the outer
    join found no row)."""
    converted = []
    for value, converters in zip(values, _converters(model, connection.vendor), strict=True):
        for converter, expression in converters:
            value = converter(value, expression, connection)
        converted.append(value)
    names = [field.attname for field in model._meta.concrete_fields]
    if converted[names.index(model._meta.pk.attname)] is None:
        return None
    return model.from_db(connection.alias, names, converted)


@functools.cache
def _converters(model, vendor):
    """Per concrete field: the (converter, expression) pairs the ORM's compiler applies to its values."""
    return [_field_converters(field, model) for field in model._meta.concrete_fields]


def _field_converters(field, model):
    column = field.get_col(model._meta.db_table)
    return [(converter, column) for converter in
            [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]]


def column(model, name):
    """The quoted column of the model's field `name`, for hand-written SQL over the models' names."""
    return connection.ops.quote_name(model._meta.get_field(name).column)


def column_value(model, name, value):
    """One column's value from hand-written SQL, converted as the ORM converts it (SQLite answers a decimal as
    a float)."""
    for converter, expression in _field_converters(model._meta.get_field(name), model):
        value = converter(value, expression, connection)
    return value
