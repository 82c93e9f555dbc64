"""Who may use each endpoint and page, declared next to its view.

``@access(GET=READERS, POST=WRITERS)`` (or ``ALL=...``) states, per HTTP
method, which staff roles the view serves: a tuple of role codes,
``SIGNED_IN`` (any signed-in account) or ``PUBLIC`` (no sign-in: the hall
display, a ticket's own page, the login). The permission matrix test
(``tests/test_permission_matrix.py``) walks the URL configuration and, for
every endpoint and every role, checks the answer against the declaration;
an endpoint without one fails it.
"""

from collections.abc import Callable
from typing import Any, TypeVar

PUBLIC = "public"
SIGNED_IN = "signed-in"
Rule = str | tuple[str, ...]
V = TypeVar("V", bound=Callable[..., Any] | type)


def access(**methods: Rule) -> Callable[[V], V]:
    """Declare who may call a view, per HTTP method (``ALL`` for every one)."""

    def declare(view: V) -> V:
        view.access = {  # type: ignore[union-attr]
            method.upper(): rule for method, rule in methods.items()
        }
        return view

    return declare


def access_of(callback: Any) -> dict[str, Rule] | None:
    """Return the declaration of a URL callback (function view or APIView)."""
    declared = getattr(callback, "access", None)
    if declared is None and hasattr(callback, "cls"):
        declared = getattr(callback.cls, "access", None)
    return declared
