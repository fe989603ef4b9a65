"""Forms every page may use."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField as _WTFormsIntegerField


class ConfirmForm(FlaskForm):
    """An empty form: a POST with a CSRF token, for confirmed destructive actions."""


# More digits than any quantity, count or id the app accepts; the range validators give the
# precise message once the number is known to be of a sane size.
MAX_DIGITS = 12


class IntegerField(_WTFormsIntegerField):
    """wtforms' IntegerField, refusing oversized numbers before they are converted.

    wtforms' NumberRange compares through math.isnan(), which turns the int into a float:
    10**309 raised OverflowError there, a 500 instead of an inline error. Python's int() also
    spends quadratic time on very long digit strings. Both are avoided by reading only short
    runs of digits (with an optional sign); anything else is "not a whole number".
    """

    data: Any

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        raw = valuelist[0]
        text = raw.strip() if isinstance(raw, str) else str(raw)
        digits = text[1:] if text[:1] in "+-" else text
        if text and (not digits.isdigit() or len(digits) > MAX_DIGITS):
            self.data = None
            raise ValueError(_l("Enter a whole number of at most %(n)s digits.", n=MAX_DIGITS))
        super().process_formdata(valuelist)
