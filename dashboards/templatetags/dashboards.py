from datetime import date

from django import template

register = template.Library()


@register.filter
def cell(value):
    """A figure's value as the table shows it: dates in words, no value as a dash."""
    if value is None:
        return "–"
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    if isinstance(value, float):
        return f"{value:g}"
    return value


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | float) or value is None


@register.filter
def get(mapping, key):
    return mapping.get(key, 0) if mapping else 0
