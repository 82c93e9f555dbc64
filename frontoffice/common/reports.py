"""The answer shape shared by the regional reports: JSON pages or a file.

A report is a list of flat rows with a fixed column order. As JSON it is a
page (``{count, next, previous, results}``); with ``?format=csv`` or
``?format=xlsx`` it is the whole report as a download whose columns keep the
JSON order (the view's ``csv_header``), formula injection neutralised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from frontoffice.common.exports import as_attachment
from frontoffice.common.pagination import Pagination

FILE_FORMATS = ("csv", "xlsx")


class LazyRows:
    """A report's rows, read a page at a time (a sequence for the paginator)."""

    def __init__(
        self,
        *,
        count: Callable[[], int],
        rows: Callable[[int, int | None], list[Any]],
    ) -> None:
        self._count = count
        self._rows = rows
        self._total: int | None = None

    @classmethod
    def of(cls, rows: list[Any]) -> LazyRows:
        """Wrap rows already in memory."""
        return cls(
            count=lambda: len(rows),
            rows=lambda offset, limit: rows[
                offset : None if limit is None else offset + limit
            ],
        )

    def count(self) -> int:
        if self._total is None:
            self._total = self._count()
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Any]:
        start = index.start or 0
        limit = None if index.stop is None else index.stop - start
        return self._rows(start, limit)


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """Return a row whose nested maps are one cell: ``key=n; key=n``."""
    return {
        key: (
            "; ".join(f"{k}={v}" for k, v in value.items())
            if isinstance(value, dict)
            else value
        )
        for key, value in row.items()
    }


def is_file_request(request: Request) -> bool:
    """Return whether the report was asked for as a CSV or XLSX file."""
    renderer = getattr(request, "accepted_renderer", None)
    return renderer is not None and renderer.format in FILE_FORMATS


def wants_page(request: Request) -> bool:
    """Return whether a report that answers a plain list was asked for pages."""
    return "page" in request.query_params or "page_size" in request.query_params


def report_response(
    *,
    request: Request,
    view: APIView,
    rows: LazyRows,
    serializer: type[serializers.BaseSerializer],
    filename: str,
    paginate: bool = True,
) -> Response:
    """Answer a page of ``rows`` as JSON, or all of them as a file.

    ``paginate`` False answers the whole list as JSON (the shape of the
    reports that predate pages, kept for their clients).
    """
    if is_file_request(request):
        data = serializer(rows[0:None], many=True).data
        response = Response([flat(row) for row in data])
        return as_attachment(request, response, filename=filename)
    if not paginate:
        return Response(serializer(rows[0:None], many=True).data)
    paginator: Pagination = Pagination()
    page: list[Any] | None = paginator.paginate_queryset(
        rows,  # type: ignore[arg-type]
        request,
        view=view,
    )
    return paginator.get_paginated_response(serializer(page, many=True).data)


def page_of(row: type[serializers.Serializer], name: str) -> type:
    """Return the schema component of a page of ``row`` items."""

    @extend_schema_serializer(component_name=name)
    class Page(serializers.Serializer):
        count = serializers.IntegerField()
        next = serializers.URLField(allow_null=True)
        previous = serializers.URLField(allow_null=True)
        results = row(many=True)

    return Page
