from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from frontoffice.common.access import PUBLIC, SIGNED_IN, access
from frontoffice.common.views import favicon, health, liveness, readiness
from sedi.views import LogoutView, home

urlpatterns = [
    path("", home, name="home"),
    path(
        "accesso/",
        access(GET=PUBLIC, POST=PUBLIC)(
            auth_views.LoginView.as_view(redirect_authenticated_user=True)
        ),
        name="login",
    ),
    path("uscita/", access(POST=SIGNED_IN)(LogoutView.as_view()), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("sportelli.page_urls")),
    path("", include("reception.page_urls")),
    path("", include("consulenza.page_urls")),
    path("", include("formazione.page_urls")),
    path("", include("sala.page_urls")),
    path("", include("reports.page_urls")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", liveness, name="healthz"),
    path("readyz", readiness, name="readyz"),
    path("api/v1/", include("sedi.urls")),
    path("api/v1/", include("sportelli.urls")),
    path("api/v1/", include("reception.urls")),
    path("api/v1/", include("consulenza.urls")),
    path("api/v1/", include("formazione.urls")),
    path("api/v1/", include("sala.urls")),
    path("api/v1/", include("reports.urls")),
    # The published contract: public.
    path(
        "api/schema/", access(GET=PUBLIC)(SpectacularAPIView.as_view()), name="schema"
    ),
    path(
        "api/docs/",
        # The split view serves its script as a file: no inline script (CSP).
        access(GET=PUBLIC)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
]

# Errors raised outside any view: JSON under /api/, the site's pages elsewhere.
handler400 = "frontoffice.common.views.error_400"
handler403 = "frontoffice.common.views.error_403"
handler404 = "frontoffice.common.views.error_404"
handler500 = "frontoffice.common.views.error_500"
