"""How to cite a practice page: one line of plain text, and a BibTeX entry.

Both name who did it (the lead organisation, else the city), the year it started, the
title, the place, the portal with the page's address and the date of its last change,
and the source document the portal took it from.
"""

from django.utils.timezone import localdate
from django.utils.translation import gettext, pgettext

PORTAL = "City Practice Portal"
# TeX's special characters, escaped so that a title with "&" or "%" compiles.
_TEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


def _updated(practice):
    # The day in the portal's time zone, as the page's "Last updated" shows it.
    return localdate(practice.updated).isoformat()


def _tex(text):
    return " ".join(str(text).split()).translate(_TEX)


def _parts(practice):
    author = practice.lead_organisation.name if practice.lead_organisation else practice.city.name
    place = f"{practice.city.name}, {practice.city.country.name}" if practice.city else ""
    sources = "; ".join(c.label for c in practice.citations.all())
    return author, place, sources


def plain(practice, url):
    """E.g. 'Stadsmissionen (2012). Crossroads. Stockholm, Sweden. City Practice Portal,
    https://.../, last updated 2026-12-06. Source: Collection of ..., section "...".'"""
    author, place, sources = _parts(practice)
    year = practice.start_year or pgettext("citation", "n.d.")
    text = f"{author} ({year}). {practice.title.rstrip('.')}."
    if place:
        text += f" {place}."
    text += " " + gettext("%(portal)s, %(url)s, last updated %(date)s.") % {
        "portal": gettext(PORTAL),
        "url": url,
        "date": _updated(practice),
    }
    if sources:
        text += " " + gettext("Source: %(sources)s.") % {"sources": sources}
    return text


def bibtex(practice, url):
    """A @misc entry keyed by the practice's slug; braces keep the names' capitals."""
    author, place, sources = _parts(practice)
    note = [
        f"{place}." if place else "",
        gettext("Last updated %(date)s.") % {"date": _updated(practice)},
        gettext("Source: %(sources)s.") % {"sources": sources} if sources else "",
    ]
    fields = [
        ("author", f"{{{_tex(author)}}}"),
        ("title", f"{{{_tex(practice.title)}}}"),
        ("year", str(practice.start_year) if practice.start_year else ""),
        ("howpublished", _tex(gettext(PORTAL))),
        ("url", url),
        ("note", _tex(" ".join(filter(None, note)))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{practice.slug},\n{body}\n}}"
