from django.urls import path

from sedi import apis

app_name = "sedi"

urlpatterns = [
    path("auth/token/", apis.AuthTokenApi.as_view(), name="auth-token"),
    path(
        "auth/token/revoke/",
        apis.AuthTokenRevokeApi.as_view(),
        name="auth-token-revoke",
    ),
    path("lines/", apis.LineListApi.as_view(), name="line-list"),
    path("branches/", apis.BranchListApi.as_view(), name="branch-list"),
    path(
        "branches/<slug:branch>/", apis.BranchDetailApi.as_view(), name="branch-detail"
    ),
]
