"""Reading a JSON request body within bounds: size, nesting depth and integer size.

json.loads recurses once per nesting level, so a body of 100,000 "[" raised RecursionError
(a 500) and a deep body costs stack and time before any model sees it. Every API body is a
small object; these bounds sit far above what any endpoint needs and far below harm.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request

MAX_JSON_BYTES = 1024 * 1024
MAX_DEPTH = 32
# Larger integers cannot be exact in JavaScript clients and no id, quantity or amount is
# anywhere near; refusing them here keeps 10**309 out of float comparisons and SQL binds.
MAX_INT_DIGITS = 16

# One scan over strings and brackets: a "[" inside a string is not nesting. An unclosed
# string runs to the end of the text, so every string match succeeds at its first try and the
# scan stays linear (a pattern that could fail would be retried at every later quote).
_TOKEN = re.compile(r'"[^"\\]*(?:\\[\s\S]?[^"\\]*)*(?:"|\Z)|[\[{]|[\]}]')


def read_json_body() -> tuple[Any, str | None]:
    """(parsed body, None) or (None, the reason it is refused)."""
    length = request.content_length
    if length is not None and length > MAX_JSON_BYTES:
        return None, f"The JSON body is larger than {MAX_JSON_BYTES} bytes."
    # Read at most one byte past the limit, so a body without Content-Length is bounded too.
    raw = request.stream.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        return None, f"The JSON body is larger than {MAX_JSON_BYTES} bytes."
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "The body must be UTF-8 JSON."
    return parse_bounded(text)


def parse_bounded(text: str) -> tuple[Any, str | None]:
    if json_depth(text) > MAX_DEPTH:
        return None, f"The JSON body is nested deeper than {MAX_DEPTH} levels."
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_int=_bounded_int)
    except _TooLarge:
        return None, f"The JSON body holds an integer of more than {MAX_INT_DIGITS} digits."
    except (ValueError, RecursionError):
        return None, "The body must be a JSON object."
    return data, None


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects, counting no further than MAX_DEPTH + 1."""
    depth = deepest = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:  # stop early: the answer is already "too deep"
                break
        elif token in ("]", "}"):
            depth -= 1
    return deepest


class _TooLarge(ValueError):
    pass


def _bounded_int(digits: str) -> int:
    # Called with the literal's text, before int() converts it.
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _TooLarge(digits[:20])
    return int(digits)


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; Python accepts them by default.
    raise ValueError(name)
