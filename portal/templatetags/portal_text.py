from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from portal.text import in_sentence

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


@register.filter
def insentence(label):
    """`label` lower-cased for the middle of a sentence, but not in German (its nouns
    keep their capital): portal.text.in_sentence."""
    return in_sentence(label)
