"""Action parameters read the way CKAN's validators read them."""

from __future__ import annotations

import json

from .errors import ValidationError


def required(params: dict, key: str) -> str:
    value = params.get(key)
    if value is None or value == "":
        raise ValidationError({key: ["Missing value"]})
    if not isinstance(value, str):
        raise ValidationError({key: ["Must be a string"]})
    return value


def integer(params: dict, key: str, default: int | None, maximum: int | None = None) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError({key: ["Invalid integer"]})
    try:
        number = int(value)
    except ValueError:
        raise ValidationError({key: ["Invalid integer"]}) from None
    if number < 0:
        raise ValidationError({key: ["Must be a positive integer"]})
    return min(number, maximum) if maximum is not None else number


def boolean(params: dict, key: str, default: bool = False) -> bool:
    """Like CKAN's boolean_validator: true, yes, 1, on (any case) are true."""
    value = params.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "yes", "1", "on", "t", "y")


def json_list(params: dict, key: str) -> list:
    value = params.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        if not value.lstrip().startswith("["):
            return [value]  # one value of a repeated GET parameter (facet.field=groups)
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError({key: ["Could not parse as valid JSON"]}) from None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError({key: ["Must be a list of strings"]})
    return value


def page(items: list, params: dict) -> list:
    offset = integer(params, "offset", 0) or 0
    limit = integer(params, "limit", None)
    return items[offset: offset + limit if limit is not None else None]




def optional_text(params: dict, key: str) -> str:
    value = params.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({key: ["Must be a string"]})
    return value
