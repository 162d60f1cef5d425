"""Turn a rendered admin change form back into POST data, as a browser would submit it."""

from django.urls import reverse
from taggit.forms import TagField


def _value(bound_field):
    value = bound_field.value()
    if isinstance(bound_field.field, TagField):
        # As the tag widget shows them: "a, b" (not the tag links' ids).
        return bound_field.field.widget.format_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(v.pk if hasattr(v, "pk") else v) for v in value]
    return str(value.pk if hasattr(value, "pk") else value)


def _add_form(data, form):
    for name in form.fields:
        value = _value(form[name])
        if value is not None:
            data[form.add_prefix(name)] = value


def form_data(response):
    data = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    return data


def edit_in_admin(client, user, obj, **changes):
    """Save `obj`'s admin change form as `user` would, with `changes` made to it; signed
    out again afterwards, so the test goes on as an anonymous visitor."""
    meta = obj._meta
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    client.force_login(user)
    data = form_data(client.get(change))
    data.update(changes)
    response = client.post(change, data)
    client.logout()
    return response
