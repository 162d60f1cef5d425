from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def paragraphs(text):
    """Blank lines separate paragraphs; a single line break (how the fixtures wrap long
    text) is a space, not a <br>."""
    if not text:
        return ""
    blocks = [" ".join(line.strip() for line in block.splitlines()) for block in text.split("\n\n")]
    return mark_safe("".join(f"<p>{escape(block)}</p>" for block in blocks if block.strip()))  # noqa: S308


@register.filter
def minutes(delta):
    """A timedelta as whole minutes, for sentences: 15, not 0:15:00."""
    return int(delta.total_seconds() // 60)
