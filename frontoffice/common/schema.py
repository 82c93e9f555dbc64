"""OpenAPI: the error answers every operation can give, documented once.

The exception handler (:mod:`frontoffice.common.api`) gives every error the
same shapes: ``{"code", "detail"}`` for 401, 403, 404, 409 and 429, and field
errors for 400. Rather than repeat them on each view, a postprocessing hook
adds them to the operations that can answer them, so that a client (or a
schema-driven fuzzer) finds every status the server sends in the schema.
"""

from typing import Any

# Operations that refuse a caller who asks too often (429): issuing tickets
# (per kiosk and per user) and the token endpoint (failed sign-ins).
RATE_LIMITED = {
    ("post", "/api/v1/branches/{branch}/tickets/"),
    ("post", "/api/v1/auth/token/"),
}
WRITE_METHODS = {"post", "put", "patch", "delete"}

ERROR = {
    "type": "object",
    "description": "Un errore: `code` per i programmi, `detail` per le persone.",
    "properties": {
        "code": {"type": "string", "example": "not_found"},
        "detail": {"type": "string", "example": "Non trovato."},
    },
    "required": ["detail"],
    "additionalProperties": True,
}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Dati non validi: per ogni campo, l'elenco degli errori "
        "(`non_field_errors` per quelli dell'insieme); oppure `code` e "
        "`detail` se la richiesta non si legge affatto."
    ),
    "additionalProperties": True,
    "example": {"fiscal_code": ["Codice fiscale non valido."]},
}
DESCRIPTIONS = {
    "400": "Dati o filtri non validi.",
    "401": "Autenticazione mancante, scaduta o revocata.",
    "403": "Il ruolo non consente l'operazione (o manca il token CSRF).",
    "404": "Risorsa inesistente, fuori dalle sedi del chiamante, o formato "
    "sconosciuto.",
    "409": "Una regola della linea guida rifiuta l'operazione.",
    "429": "Troppe richieste: riprovare più tardi.",
    "503": "Base dati momentaneamente non raggiungibile: riprovare (Retry-After).",
}


def _response(status: str) -> dict[str, Any]:
    name = "FieldErrors" if status == "400" else "Error"
    return {
        "description": DESCRIPTIONS[status],
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
        },
    }


def _is_public(operation: dict[str, Any]) -> bool:
    # drf-spectacular writes an empty requirement ({}) for AllowAny views.
    return any(not requirement for requirement in operation.get("security") or [])


def _statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    # Every operation can answer 400 (bytes refused at the boundary before
    # any view runs) and 404 (a path segment that is not of its type, an
    # unknown ``format``, an object outside the caller's branches).
    statuses = ["400"]
    if not _is_public(operation):
        statuses += ["401", "403"]
    elif method in WRITE_METHODS:
        statuses.append("403")  # CSRF with a session cookie
    statuses.append("404")
    if method in WRITE_METHODS:
        statuses.append("409")
    if (method, path) in RATE_LIMITED:
        statuses.append("429")
    statuses.append("503")
    return statuses


def document_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add the error answers each operation can give, and their schemas."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["FieldErrors"] = FIELD_ERRORS
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in _statuses(path, method, operation):
                responses.setdefault(status, _response(status))
    return result
