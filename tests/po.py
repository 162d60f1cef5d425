"""A small reader of gettext .po files, enough for the catalogue tests (no polib: the
project has no dependency for it). Entries as dicts: msgctxt, msgid, msgid_plural,
msgstr (list: one string, or one per plural form), flags, obsolete."""

import ast
from pathlib import Path

from django.conf import settings

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_path(language, domain="django"):
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / f"{domain}.po"


def _new_entry():
    return {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}


def entries(path):
    """Every entry but the header, obsolete ones (#~) marked as such."""
    found, entry, field, obsolete = [], _new_entry(), None, False
    for raw in [*Path(path).read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if line.startswith("#~"):
            obsolete, line = True, line[2:].strip()
            if not line:
                continue
        if not line:
            if entry["msgid"] is not None:
                entry["obsolete"] = obsolete
                found.append(entry)
            entry, field, obsolete = _new_entry(), None, False
            continue
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(entry, field, ast.literal_eval(line))
        else:
            keyword, _space, value = line.partition(" ")
            field = keyword
            _append(entry, field, ast.literal_eval(value), start=True)
    for entry in found:
        entry["msgstr"] = [entry["msgstr"][k] for k in sorted(entry["msgstr"])]
    return [e for e in found if e["msgid"] != "" or e["msgctxt"] is not None]


def _append(entry, field, text, start=False):
    if field.startswith("msgstr"):
        index = int(field[7:-1]) if field.startswith("msgstr[") else 0
        entry["msgstr"][index] = ("" if start else entry["msgstr"].get(index, "")) + text
    else:
        entry[field] = ("" if start else entry[field] or "") + text


def key(entry):
    return (entry["msgctxt"], entry["msgid"])
