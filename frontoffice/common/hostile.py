"""One boundary for hostile bytes: no request reaches a handler with them.

- NUL and other control characters (but tab, line feed, carriage return)
  in the path, the query string or a form field answer 400 before any view
  runs: PostgreSQL refuses NUL in text, and no person types the others.
- JSON bodies are parsed with a limit on size and nesting depth: a body
  nested a thousand levels deep is a 400, never a RecursionError.
"""

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# C0 controls but tab, LF and CR; DEL; and lone surrogates (never valid).
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
JSON_MAX_DEPTH = 20


def _bad(values: Iterable[str]) -> bool:
    return any(FORBIDDEN.search(value) for value in values)


def _form_values(data: Mapping[str, Any]) -> Iterable[str]:
    for key, values in data.lists():  # type: ignore[attr-defined]
        yield key
        yield from (v for v in values if isinstance(v, str))


class HostileInputMiddleware:
    """Answer 400 to a request carrying control characters in its text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._hostile(request):
            detail = _("La richiesta contiene caratteri non ammessi.")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "invalid_characters", "detail": detail}, status=400
                )
            return HttpResponseBadRequest(detail, content_type="text/plain")
        return self.get_response(request)

    @staticmethod
    def _hostile(request: HttpRequest) -> bool:
        if _bad([request.path]) or _bad(_form_values(request.GET)):
            return True
        content_type = request.content_type or ""
        if request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return _bad(_form_values(request.POST))
        return False


def _depth(value: Any) -> int:
    """Return how deeply ``value`` nests lists and objects (iteratively)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children = list(node.values())
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, with a size limit and a nesting limit (400)."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(_("Il corpo della richiesta è troppo grande."))
        if not raw:
            raise ParseError(_("Il corpo JSON è vuoto."))
        try:
            data = json.loads(raw.decode(settings.DEFAULT_CHARSET))
        except RecursionError:
            raise ParseError(_("Il JSON è annidato troppo in profondità.")) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(_("JSON non valido: %(error)s") % {"error": exc}) from None
        if _depth(data) > JSON_MAX_DEPTH:
            raise ParseError(_("Il JSON è annidato troppo in profondità."))
        return data
