"""Cursor (keyset) pagination in whatever order a list's queryset already has.

A cursor holds the sort values of the row a page ended (or began) on, and a page is
the rows strictly after (or before) them in the queryset's own ORDER BY. Every order
in the portal ends with the primary key, so the position is exact: rows added or
removed elsewhere in the list never make a page repeat or skip a row, as offsets would.
The practice list's order is the browser's (Browse.results()), read off the queryset,
so the API has no copy of the sort rules.

Cursors are signed: a client can hand them back but not forge one, so a cursor's values
always are what the server wrote, and garbage is a clear 400.
"""

import hashlib

from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, FloatField, Q
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast
from rest_framework.exceptions import ParseError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_SALT = "api.cursor"
_NOTHING = Q(pk__in=[])


class _Serializer(signing.JSONSerializer):
    """Sort values may be dates or decimals: written as ISO strings, which the database
    compares with the column as it would the value."""

    def dumps(self, obj):
        return DjangoJSONEncoder(separators=(",", ":")).encode(obj).encode("latin-1")


def _key(term):
    """(expression, descending, nulls) of one ORDER BY term; nulls is "last", "first",
    or None for a column that is never null (a title, a name, the key)."""
    if isinstance(term, str):
        name = term.removeprefix("-")
        return F(name), term.startswith("-"), None
    if isinstance(term, OrderBy):
        nulls = "last" if term.nulls_last else "first" if term.nulls_first else None
        return term.expression, term.descending, nulls
    return term, False, None


def _after(name, value, descending, nulls):
    """Rows strictly after `value` in one key's order."""
    if value is None:
        # Nulls sort last: nothing comes after them; first: every value does.
        return _NOTHING if nulls != "first" else Q(**{f"{name}__isnull": False})
    after = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
    return after | Q(**{f"{name}__isnull": True}) if nulls == "last" else after


def _equal(name, value):
    return Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})


class Keyset:
    """The order of a queryset as named keys, and the rows after or before a position."""

    def __init__(self, queryset):
        order = queryset.query.order_by or queryset.model._meta.ordering
        self.keys = [_key(term) for term in order]
        # Names the order, so that a cursor is only ever read in the order it was made in.
        self.signature = hashlib.sha256(repr(list(order)).encode()).hexdigest()[:12]
        annotations = {}
        for index, (expression, _desc, _nulls) in enumerate(self.keys):
            # Floats (the search rank, a real on PostgreSQL) are read at double precision,
            # so the value a cursor carries back compares equal to the row it came from.
            if self._is_float(queryset, expression):
                expression = Cast(expression, FloatField())
            annotations[f"_key{index}"] = expression
        self.queryset = queryset.annotate(**annotations)

    @staticmethod
    def _is_float(queryset, expression):
        resolved = expression.resolve_expression(queryset.query)
        return isinstance(getattr(resolved, "output_field", None), FloatField)

    def values(self, row):
        return [getattr(row, f"_key{i}") for i in range(len(self.keys))]

    def beyond(self, values, backwards):
        """Rows strictly after `values` (before them, if backwards) in this order."""
        condition, equal_so_far = _NOTHING, Q()
        for index, ((_expr, descending, nulls), value) in enumerate(
            zip(self.keys, values, strict=True)
        ):
            name = f"_key{index}"
            if backwards:
                descending = not descending
                nulls = {"last": "first", "first": "last"}.get(nulls)
            condition |= equal_so_far & _after(name, value, descending, nulls)
            equal_so_far &= _equal(name, value)
        return condition

    def reversed_order(self):
        terms = []
        for index, (_expr, descending, nulls) in enumerate(self.keys):
            terms.append(
                OrderBy(
                    F(f"_key{index}"),
                    descending=not descending,
                    nulls_last=True if nulls == "first" else None,
                    nulls_first=True if nulls == "last" else None,
                )
            )
        return terms


def page_size(request):
    raw = request.query_params.get("page_size", "")
    if raw == "":
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ParseError(
            f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}; got {raw[:40]!r}."
        )
    return int(raw)


class KeysetPagination(BasePagination):
    """?cursor= (from a page's next/previous link) and ?page_size= (1 to 100, default
    20), over the queryset's own order."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.size = page_size(request)
        keyset = Keyset(queryset)
        self.tag = keyset.signature
        position = self._position(request, len(keyset.keys))
        backwards = position is not None and position["d"] == "p"
        rows = keyset.queryset
        if position is not None:
            rows = rows.filter(keyset.beyond(position["v"], backwards))
        if backwards:
            rows = rows.order_by(*keyset.reversed_order())
        page = list(rows[: self.size + 1])
        more = len(page) > self.size
        page = page[: self.size]
        if backwards:
            page.reverse()
        if not page:
            self.next = self.previous = None
            return page
        first, last = keyset.values(page[0]), keyset.values(page[-1])
        # Going forwards, a page reached by a cursor has rows before it; going backwards,
        # the page we came from is after it.
        has_next = more if not backwards else True
        has_previous = more if backwards else position is not None
        self.next = self._link(last, "n") if has_next else None
        self.previous = self._link(first, "p") if has_previous else None
        return page

    def _position(self, request, key_count):
        raw = request.query_params.get("cursor", "")
        if not raw:
            return None
        try:
            position = signing.loads(raw, salt=_SALT, serializer=_Serializer)
        except (signing.BadSignature, ValueError):
            raise ParseError(
                "This cursor is not one the API gave out: follow a page's next or previous link."
            ) from None
        if position.get("t") != self.tag or len(position.get("v", ())) != key_count:
            raise ParseError(
                "This cursor belongs to another order: keep the sort of the page it came from."
            )
        return position

    def _link(self, values, direction):
        if values is None:
            return None
        query = self.request.query_params.copy()
        query["cursor"] = signing.dumps(
            {"v": values, "d": direction, "t": self.tag}, salt=_SALT, serializer=_Serializer
        )
        return self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")

    def links(self):
        return {"next": self.next, "previous": self.previous}

    def get_paginated_response(self, data, total=None):
        return Response({"total": total, **self.links(), "results": data})

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["total", "next", "previous", "results"],
            "properties": {
                "total": {"type": "integer", "description": "Rows in the whole list."},
                "next": {**link, "description": "The next page, or null at the end."},
                "previous": {**link, "description": "The page before, or null at the start."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "Where a page starts: copy it from a page's next or previous link.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE}.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
            },
        ]
