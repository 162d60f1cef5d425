from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from . import languages as site_languages


def password_reset(request):
    """Whether to offer a password reset: only when the portal can send the e-mail."""
    return {"password_reset_available": bool(settings.EMAIL_HOST)}


def languages(request):
    """The current page in every language, query string kept: the hreflang alternates
    (absolute, as search engines want them) and the switcher's links, which go through
    the switch view to set the language cookie. String work only, no query."""
    found = []
    for code, name, url in site_languages.alternates(request):
        switch = reverse("switch_language", args=[code])
        found.append(
            {
                "code": code,
                "name": name,
                "href": request.build_absolute_uri(url),
                "switch": f"{switch}?{urlencode({'next': url})}",
            }
        )
    default = [item for item in found if item["code"] == settings.LANGUAGE_CODE]
    return {"language_alternates": found, "language_default": default[0] if default else None}
