"""Arbitrary text in every page form and query parameter never reaches a 500.

The forms are found the way a person finds them: each page of the
permission matrix is opened by a role it admits, and every ``<form>`` on it
is sent back with each of its fields (and every query parameter of the
page) holding the text Hypothesis draws — empty, huge, control characters,
lone surrogates' neighbours, right-to-left marks, SQL and HTML fragments.
"""

import re
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontoffice.common.access import PUBLIC, SIGNED_IN, access_of
from sedi.models import StaffRole
from tests.e2e.test_counters import next_open_morning
from tests.test_permission_matrix import ACCOUNTS, ENDPOINTS, _url, world  # noqa: F401

pytestmark = pytest.mark.django_db

FORM = re.compile(r"<form\b[^>]*>(.*?)</form>", re.S | re.I)
ACTION = re.compile(r'\baction="([^"]*)"', re.I)
FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)
QUERY_NAMES = ["q", "date", "from", "days", "kind", "state", "branch", "period", "v"]
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300
) | st.sampled_from(["' OR 1=1 --", "<script>x</script>", "9999-12-31", "-1", "\u202e"])


def _pages() -> list[tuple[str, Any, str | None]]:
    """Return each page (not API) with a role its GET admits."""
    pages = []
    for route, callback in ENDPOINTS:
        if route.startswith("api/"):
            continue
        rule = (access_of(callback) or {}).get("GET")
        if rule is None:
            continue
        if rule in (PUBLIC, SIGNED_IN):
            pages.append((route, callback, None if rule == PUBLIC else "reception"))
        else:
            pages.append((route, callback, ACCOUNTS[StaffRole.Role(rule[0])]))
    return pages


def _forms(html: str, page_url: str) -> list[tuple[str, list[str]]]:
    forms = []
    for match in FORM.finditer(html):
        opening = html[match.start() : match.start() + 400]
        action = ACTION.search(opening)
        target = action.group(1) if action and action.group(1) else page_url
        names = sorted(set(FIELD.findall(match.group(1))) - {"csrfmiddlewaretoken"})
        if target.startswith("/"):
            forms.append((target, names))
    return forms


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=TEXT)
def test_pages_and_their_forms_never_answer_500(world, text):  # noqa: F811
    broken = []
    posted = 0
    with time_machine.travel(next_open_morning(), tick=True):
        clients: dict[str | None, Client] = {}
        for route, callback, username in _pages():
            client = clients.get(username)
            if client is None:
                client = clients[username] = Client()
                if username:
                    client.force_login(world["users"][username])
            page = _url(route, callback, world["params"], "roma-centro")
            with transaction.atomic():
                shown = client.get(page, dict.fromkeys(QUERY_NAMES, text))
                sent = [(page, shown.status_code)]
                # The forms come from the page as a person opens it (the
                # query above may rightly have been refused with a 400).
                plain = client.get(page)
                if plain.status_code == 200 and "html" in plain["Content-Type"]:
                    for target, names in _forms(plain.content.decode(), page):
                        answer = client.post(target, dict.fromkeys(names, text))
                        posted += 1
                        sent.append((target, answer.status_code))
                transaction.set_rollback(True)
            if username:
                client.force_login(world["users"][username])  # after a sign-out
            broken += [f"{url} → {status}" for url, status in sent if status >= 500]
    assert broken == []
    # The pages really were filled in: desk, kiosk, intake, protocol,
    # booking, plans, rota, hall actions, language switch…
    assert posted >= 25, posted
