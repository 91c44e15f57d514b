"""One rounding rule for every figure a person reads: half-up to whole points, computed on Decimal.

Stored values keep their full precision; pages, API display fields, exports, emails and PDFs all call
these functions, so 62.5 reads 63 everywhere (Python's round() would say 62: it rounds half to even).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

MINUS = "\u2212"  # a real minus sign: a hyphen is easy to lose in charts and print


def to_decimal(value):
    """A Decimal of an int, float, str or Decimal (floats through their shortest repr, not their binary value)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def whole(value):
    """The value rounded half-up to a whole number (int), or None."""
    if value is None:
        return None
    return int(to_decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def tenth(value):
    """The value rounded half-up to one decimal (float), for percentages shown with a decimal."""
    if value is None:
        return None
    return float(to_decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def localized_whole(value):
    """'1 234' / '1,234' in the active language; '—' for no value."""
    if value is None:
        return "—"
    return number_format(whole(value), decimal_pos=0, use_l10n=True)


def signed_whole(value):
    """'+3', '−7' (a real minus sign) or '0' for a change; '—' for no value."""
    rounded = whole(value)
    if rounded is None:
        return "—"
    text = number_format(abs(rounded), decimal_pos=0, use_l10n=True)
    if rounded > 0:
        return f"+{text}"
    if rounded < 0:
        return f"{MINUS}{text}"
    return text
