"""What a practice's links may be: http(s) URLs and mailto: addresses only."""

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

_url = URLValidator(schemes=["http", "https"])
_email = EmailValidator()


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def is_safe_link(link):
    """An http(s) URL or a mailto: address; nothing a browser would run."""
    try:
        if link.lower().startswith("mailto:"):
            _email(link[len("mailto:") :])
        else:
            _url(link)
    except ValidationError:
        return False
    return True


def validate_links(text):
    """The admin and the loader alike: every line an http(s) URL or a mailto: address."""
    bad = [line for line in _lines(text) if not is_safe_link(line)]
    if bad:
        raise ValidationError(
            f"Only http(s) and mailto links may be stored; not {bad[0][:80]!r}.",
            code="unsafe_link",
        )
