"""An input as a template writes it out: the few values a widget would render, as a dict.

Pages that repeat a form many times (the review's 25 cards, the domains step's 13 rows) write
their inputs out in the template instead of rendering Django's widget templates (a select is
a template per option plus one per attribute list), and take the values from here: from a
posted form's bound field (what was typed, with its errors), or, for a form that was not
posted, straight from the form class and the initial value, without building the form (a
form deep-copies all its fields). A dict, because the template language tries a key lookup
before an attribute: on a BoundField every lookup costs a raised and caught TypeError.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorList, pretty_name


def _options(field: forms.Field, value) -> list[tuple]:
    """(value, label, selected) of a choice field, compared as the widget does: as text."""
    choices = getattr(field, "choices", None)
    if choices is None:
        return []
    current = "" if value is None else str(value)
    return [(choice, label, str(choice) == current) for choice, label in choices]


def _input(field: forms.Field, *, html_name: str, auto_id: str, label, value, errors) -> dict:
    return {
        "html_name": html_name,
        "auto_id": auto_id,
        "label": label,
        "value": value,
        "errors": errors,
        "max_length": getattr(field, "max_length", None),
        "attrs": field.widget.attrs,
        "options": _options(field, value),
        "required": field.required,
    }


def bound_input(bound_field: forms.BoundField) -> dict:
    """The input of a field of a form that exists (posted, or built anyway)."""
    return _input(
        bound_field.field,
        html_name=bound_field.html_name,
        auto_id=bound_field.auto_id,
        label=bound_field.label,
        value=bound_field.value(),
        errors=bound_field.errors,
    )


def unbound_input(form_class: type[forms.Form], prefix: str, name: str, initial) -> dict:
    """The input of a field of a form that was not posted, as the unbound form would show it
    (default `auto_id`, `initial` for the value), without making the form."""
    field = form_class.base_fields[name]
    html_name = f"{prefix}-{name}" if prefix else name
    label = field.label if field.label is not None else pretty_name(name)
    return _input(
        field,
        html_name=html_name,
        auto_id=f"id_{html_name}",
        label=label,
        value=field.prepare_value(initial),
        errors=ErrorList(),
    )


def inputs(form_class: type[forms.Form], prefix: str, initial: dict, posted=None) -> dict:
    """Every field's input: from the posted form if there is one, else from `initial`."""
    if posted is not None:
        return {name: bound_input(posted[name]) for name in posted.fields}
    return {
        name: unbound_input(form_class, prefix, name, initial.get(name, field.initial))
        for name, field in form_class.base_fields.items()
    }
