"""CSV and XLSX answers of the regional reports, safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Return ``text`` with a leading ``'`` if a spreadsheet would run it."""
    if text[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def csv_cell(value: Any) -> str:
    """Return ``value`` as a CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(str(value))


def xlsx_cell(value: Any) -> Any:
    """Return ``value`` as an XLSX cell: numbers stay numbers, text is inert.

    A negative number is a number, not a formula: only text is prefixed.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    return neutralise(str(value))


def _header_and_rows(
    data: Any, renderer_context: Mapping[str, Any] | None
) -> tuple[Sequence[str], list[Any]]:
    rows = data if isinstance(data, list) else [data]
    view = (renderer_context or {}).get("view")
    header = getattr(view, "csv_header", None) if isinstance(data, list) else None
    if header is None:
        header = list(rows[0].keys()) if rows else []
    return header, rows


class CSVRenderer(BaseRenderer):
    """Render a list of flat rows as CSV, formula injection neutralised.

    The header is the view's ``csv_header`` when it has one (so that an
    empty report still names its columns), else the first row's keys.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        header, rows = _header_and_rows(data, renderer_context)
        out = io.StringIO()
        if header:
            writer = csv.writer(out)
            writer.writerow(header)
            for row in rows:
                writer.writerow([csv_cell(row.get(key)) for key in header])
        return out.getvalue().encode(self.charset)


class XLSXRenderer(BaseRenderer):
    """Render a list of flat rows as one XLSX sheet, formula injection neutralised.

    The header is chosen as by :class:`CSVRenderer`; text cells that start
    like a formula get a leading ``'``, so they stay text.
    """

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        from openpyxl import Workbook

        header, rows = _header_and_rows(data, renderer_context)
        book = Workbook(write_only=True)
        sheet = book.create_sheet("report")
        if header:
            sheet.append(list(header))
            for row in rows:
                sheet.append([xlsx_cell(row.get(key)) for key in header])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def as_attachment(request: Request, response: Response, *, filename: str) -> Response:
    """Name the download when the report was asked for as CSV or XLSX.

    ``filename`` names the CSV; an XLSX gets the same name ending ``.xlsx``.
    """
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and renderer.format in ("csv", "xlsx"):
        if renderer.format == "xlsx":
            filename = filename.rsplit(".", 1)[0] + ".xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
