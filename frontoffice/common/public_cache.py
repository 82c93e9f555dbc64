"""Public answers read by many screens at once, served from the shared cache.

Every hall display polls its branch every few seconds and every citizen's
phone polls its virtual ticket: at national scale that is hundreds of reads
a second of the same few answers. Each answer is rendered once and kept in
the shared cache (Redis in production) under the branch's *generation*: a
token replaced by every ticket event and counter change of the branch (now
and again at commit). An answer built before a change is filed under the old
token and is never served again, whichever process built it; a place in
line therefore moves as soon as someone ahead is called. What no event
announces is the hour of the day, which moves a wait estimate: an answer is
kept up to ``PUBLIC_EVENT_SECONDS`` and never past the next hour. With a cache
local to each process (no Redis) ``PUBLIC_CACHE_SECONDS`` bounds how long
another process may still hold the old token.

``PublicAnswerMiddleware`` replays a stored answer, headers included, before
the rest of the stack runs: a thousand displays then cost about what one
does. An ``ETag`` lets a screen that already has the answer get a 304
without a body.

With the cache unreachable the answer is rendered each time: a hall keeps
its display while Redis is down.
"""

import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import get_path_info
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.request import split_domain_port, validate_host
from rest_framework.renderers import JSONRenderer

logger = logging.getLogger(__name__)

# A generation outlives any answer filed under it; when it is evicted a new
# one is drawn and the answers of the old one are simply never read again.
GENERATION_SECONDS = 24 * 3600
# The paths whose anonymous GET may be answered from a stored response.
PUBLIC_PREFIX = "/api/v1/"


def _seconds() -> int:
    return int(getattr(settings, "PUBLIC_CACHE_SECONDS", 2))


def until_next_hour(*, cap: int, now: float | None = None) -> int:
    """Return the seconds an answer that changes only with its events and the
    hour of the day may be kept: up to ``cap``, never past the next hour.

    Rome's offset from UTC is a whole number of hours, so its hours turn
    with UTC's, summer time or not.
    """
    moment = time.time() if now is None else now
    return max(1, min(cap, 3600 - int(moment) % 3600))


def _get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception as exc:  # the cache client's own errors vary by backend
        logger.warning("Public cache unreachable: %s", exc)
        return None


def _set(key: str, value: Any, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception as exc:  # as above: serve without the cache
        logger.warning("Public cache unreachable: %s", exc)


def _set_many(values: dict[str, Any], timeout: int) -> None:
    """Set several keys in one round trip."""
    try:
        cache.set_many(values, timeout)
    except Exception as exc:  # as above
        logger.warning("Public cache unreachable: %s", exc)


def _add(key: str, value: Any, timeout: int) -> bool:
    try:
        return bool(cache.add(key, value, timeout))
    except Exception as exc:  # as above
        logger.warning("Public cache unreachable: %s", exc)
        return False


def _shared() -> bool:
    """Whether the cache is shared by every process (Redis), not local."""
    return "locmem" not in str(settings.CACHES["default"]["BACKEND"]).lower()


def _generation_key(branch_id: int) -> str:
    return f"public-gen:{branch_id}"


def generation(branch_id: int) -> str:
    """Return the branch's current generation, drawing one if it has none."""
    key = _generation_key(branch_id)
    value = _get(key)
    if value is None:
        value = secrets.token_hex(8)
        if not _add(key, value, GENERATION_SECONDS):
            # Another process drew one first (or the cache is down: then the
            # fresh token matches nothing and every read is rendered).
            value = _get(key) or value
    return str(value)


def bump(*branch_ids: int) -> None:
    """Retire the branches' answers: now and again once the transaction commits.

    Now, so that the writer's own next read is fresh; after commit, so that
    an answer rebuilt by a reader in between (from the rows before the
    commit) is filed under a generation that is already gone.
    """
    ids = sorted(set(branch_ids))
    if not ids:
        return

    def replace() -> None:
        _set_many(
            {_generation_key(branch_id): secrets.token_hex(8) for branch_id in ids},
            GENERATION_SECONDS,
        )

    replace()
    transaction.on_commit(replace)


@dataclass(frozen=True)
class Answer:
    """A rendered public answer and the generation it belongs to."""

    body: bytes
    etag: str
    branch_id: int
    generation: str
    # How long it is kept when no event retires it.
    seconds: int


def _kept_seconds(seconds: int | None) -> int:
    """Return how long to keep an answer: ``seconds`` only with a shared cache.

    Without one another process's events go unseen, so never longer than
    ``PUBLIC_CACHE_SECONDS``.
    """
    return _seconds() if seconds is None or not _shared() else seconds


def _kept_under_generation(
    *, key: str, branch_id: int, build: Callable[[], Any], seconds: int
) -> tuple[Any, str]:
    """Return ``build()`` from the cache under the branch's generation, and it.

    The generation is read before ``build`` reads the rows, so that a value
    racing a change is filed under the generation that change retires.
    """
    current = generation(branch_id)
    full_key = f"{key}:{current}"
    value = _get(full_key)
    if value is None:
        value = build()
        _set(full_key, value, seconds)
    return value, current


def cached(
    *, key: str, branch_id: int, build: Callable[[], Any], seconds: int | None = None
) -> Any:
    """Return ``build()`` (never None), kept under the branch's generation.

    It is kept ``seconds`` (default ``PUBLIC_CACHE_SECONDS``) when no event
    retires it.
    """
    value, _current = _kept_under_generation(
        key=key, branch_id=branch_id, build=build, seconds=_kept_seconds(seconds)
    )
    return value


def _rendered(data: Any) -> tuple[bytes, str]:
    body = JSONRenderer().render(data)
    return body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def cached_json(
    *, key: str, branch_id: int, build: Callable[[], Any], seconds: int | None = None
) -> Answer:
    """Return ``build()`` rendered as JSON with its ETag, kept as :func:`cached`."""
    seconds = _kept_seconds(seconds)
    (body, etag), current = _kept_under_generation(
        key=key,
        branch_id=branch_id,
        build=lambda: _rendered(build()),
        seconds=seconds,
    )
    return Answer(
        body=body, etag=etag, branch_id=branch_id, generation=current, seconds=seconds
    )


def event_seconds() -> int:
    """Return how long an answer moved only by its branch's events and the
    hour of the day is kept: ``PUBLIC_EVENT_SECONDS``, never past the hour.
    """
    return until_next_hour(cap=int(getattr(settings, "PUBLIC_EVENT_SECONDS", 300)))


def json_response(request: HttpRequest, answer: Answer) -> HttpResponse:
    """Answer the body (200) or 304 when the screen already holds that ETag.

    The response is marked so that ``PublicAnswerMiddleware`` may store it.
    """
    if answer.etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(answer.body, content_type="application/json")
    response["ETag"] = answer.etag
    # Screens must ask each time; the ETag makes asking cheap.
    response["Cache-Control"] = "no-cache"
    response.public_answer = answer  # type: ignore[attr-defined]
    return response


def lookup(*, key: str, find: Callable[[], Any], timeout: int = 600) -> Any:
    """Return a value that seldom changes (a branch's id by its code)."""
    value = _get(key)
    if value is None:
        value = find()
        _set(key, value, timeout)
    return value


# --- Whole responses, replayed before the stack runs -------------------------


def _response_key(path: str) -> str:
    return "public-response:" + hashlib.sha256(path.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Replay:
    """A stored public response to send again: 200 with its body, or 304."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def replay(
    *,
    method: str,
    path: str,
    query: str,
    signed_in: bool,
    host: str,
    secure: bool,
    if_none_match: str,
) -> Replay | None:
    """Return the stored answer of an anonymous public read, if still current.

    Only anonymous reads of the API without a query string are replayed:
    the answers marked public depend on nothing else, and a signed-in caller
    takes the full path with its checks. A request the full path would refuse
    for its host, or redirect to HTTPS, is not replayed either.
    """
    if (
        method != "GET"
        or query
        or signed_in
        or not path.startswith(PUBLIC_PREFIX)
        or (settings.SECURE_SSL_REDIRECT and not secure)
        or not validate_host(split_domain_port(host)[0], settings.ALLOWED_HOSTS)
    ):
        return None
    stored = _stored(path)
    if stored is None:
        return None
    branch_id, stored_generation, etag, headers, body = stored
    # Always asked of the shared cache: the copy kept in this process is
    # only ever sent while its generation is the branch's current one.
    if _get(_generation_key(branch_id)) != stored_generation:
        return None
    if etag in if_none_match:
        kept = [
            (name, value) for name, value in headers if name.lower() != "content-type"
        ]
        return Replay(status=304, headers=kept, body=b"")
    return Replay(status=200, headers=headers, body=body)


# Stored responses also kept in this process (path → (until, entry)), so that
# a hit reads only the small generation from the shared cache, not the body.
_local: dict[str, tuple[float, tuple]] = {}
LOCAL_ENTRIES = 5000


def _stored(path: str) -> tuple | None:
    now = time.monotonic()
    kept = _local.get(path)
    if kept is not None and kept[0] > now:
        return kept[1]
    entry = _get(_response_key(path))
    if entry is None:
        _local.pop(path, None)
        return None
    _keep_local(path, entry, now)
    return entry


def forget_local() -> None:
    """Drop this process's copies (tests start from an empty cache)."""
    _local.clear()


def _keep_local(path: str, entry: tuple, now: float) -> None:
    if len(_local) >= LOCAL_ENTRIES:
        _local.clear()  # bounded memory; the shared cache still holds them
    _local[path] = (now + _seconds(), entry)


def store(path: str, response: HttpResponse) -> None:
    """Keep a public answer with the headers the whole stack gave it."""
    answer = getattr(response, "public_answer", None)
    if (
        answer is None
        or response.status_code != 200
        or response.cookies
        or response.has_header("Set-Cookie")
    ):
        return
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in {"set-cookie", "content-length"}
    ]
    entry = (answer.branch_id, answer.generation, answer.etag, headers, answer.body)
    _set(_response_key(path), entry, answer.seconds)
    _keep_local(path, entry, time.monotonic())


class PublicAnswerMiddleware:
    """Replay a public answer stored by an earlier request of the same path.

    Placed first, so that a hit costs two cache reads and no other
    middleware, view or query; a response marked public by its view
    (:func:`json_response`) is stored on its way out, cookies never. In
    production ``PublicAnswerApp`` answers the same hits before Django
    builds a request at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = replay(
            method=request.method or "",
            path=request.path_info,
            query=request.META.get("QUERY_STRING", ""),
            signed_in="HTTP_AUTHORIZATION" in request.META,
            host=request.META.get("HTTP_HOST", "")
            or request.META.get("SERVER_NAME", ""),
            secure=request.is_secure(),
            if_none_match=request.headers.get("If-None-Match", ""),
        )
        if found is not None:
            response = (
                HttpResponse(found.body)
                if found.status == 200
                else HttpResponseNotModified()
            )
            for name, value in found.headers:
                response[name] = value
            return response
        response = self.get_response(request)
        store(request.path_info, response)
        return response


class PublicAnswerApp:
    """WSGI wrapper: send a stored public answer without entering Django."""

    def __init__(self, application: Callable[..., Any]):
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        found = None
        if environ.get("REQUEST_METHOD") == "GET":
            found = replay(
                method="GET",
                path=get_path_info(environ),
                query=environ.get("QUERY_STRING", ""),
                signed_in="HTTP_AUTHORIZATION" in environ,
                host=environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
                secure=_wsgi_secure(environ),
                if_none_match=environ.get("HTTP_IF_NONE_MATCH", ""),
            )
        if found is None:
            return self.application(environ, start_response)
        headers = [*found.headers, ("Content-Length", str(len(found.body)))]
        status = "200 OK" if found.status == 200 else "304 Not Modified"
        start_response(status, headers)
        return [found.body]


def _wsgi_secure(environ: dict[str, Any]) -> bool:
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        header, value = proxy
        return environ.get(header, "").split(",")[0].strip() == value
    return environ.get("wsgi.url_scheme") == "https"
