"""The error pages in the site's look, with DEBUG off; JSON under /api/."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import path

from frontoffice import urls as site_urls
from frontoffice.common.views import error_500

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("boom")


def _refused(request):
    raise PermissionDenied


# A URL conf of the site plus two views that fail, with the site's handlers.
urlpatterns = [
    *site_urls.urlpatterns,
    path("prova-errore/", _boom),
    path("api/v1/prova-errore/", _boom),
    path("prova-vietato/", _refused),
]
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@override_settings(DEBUG=False)
def test_a_missing_page_answers_404_in_the_site_look(client):
    response = client.get("/pagina-che-non-esiste/")

    page = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="error-404"' in page
    assert "Pagina non trovata" in page
    assert "it-header-wrapper" in page  # the site's header
    assert 'href="/static/frontoffice/favicon.svg"' in page


@override_settings(DEBUG=False)
def test_a_missing_api_resource_answers_json(client):
    response = client.get("/api/v1/non-esiste/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Non trovato."}


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_refused_page_answers_403_in_the_site_look(client):
    response = client.get("/prova-vietato/")

    assert response.status_code == 403
    assert 'data-testid="error-403"' in response.content.decode()


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_failure_answers_500_in_the_site_look_without_details():
    client = Client(raise_request_exception=False)

    response = client.get("/prova-errore/")

    page = response.content.decode()
    assert response.status_code == 500
    assert 'data-testid="error-500"' in page
    assert "boom" not in page
    assert "RuntimeError" not in page


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_an_api_failure_answers_json_500():
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/prova-errore/")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_the_500_page_needs_no_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = error_500(rf.get("/qualsiasi/"))

    assert response.status_code == 500


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/frontoffice/favicon.svg"
