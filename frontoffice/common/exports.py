"""CSV answers of the regional reports, safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response


def csv_cell(value: Any) -> str:
    """Return ``value`` as a CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


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
        rows = data if isinstance(data, list) else [data]
        view = (renderer_context or {}).get("view")
        header = getattr(view, "csv_header", None) if isinstance(data, list) else None
        if header is None and rows:
            header = list(rows[0].keys())
        out = io.StringIO()
        if header:
            writer = csv.writer(out)
            writer.writerow(header)
            for row in rows:
                writer.writerow([csv_cell(row.get(key)) for key in header])
        return out.getvalue().encode(self.charset)


def as_attachment(request: Request, response: Response, *, filename: str) -> Response:
    """Name the download when the report was asked for as CSV."""
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and renderer.format == "csv":
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
