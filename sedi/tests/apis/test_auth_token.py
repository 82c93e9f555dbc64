import pytest
from rest_framework.authtoken.models import Token

from sedi.models import StaffRole
from sedi.tests.factories import StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
PASSWORD = "password-di-prova"
WRONG_CREDENTIALS = {
    "non_field_errors": ["Impossibile accedere con le credenziali fornite."]
}


def test_token_obtain_returns_the_users_token(api_client):
    user = UserFactory.create(username="giulia")

    response = api_client.post(
        URL, {"username": "giulia", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    token = Token.objects.get(user=user)
    assert response.json() == {"token": token.key}


def test_token_obtain_twice_returns_the_same_token(api_client):
    user = UserFactory.create(username="giulia")
    body = {"username": "giulia", "password": PASSWORD}

    first = api_client.post(URL, body, format="json")
    second = api_client.post(URL, body, format="json")

    assert first.status_code == 200
    assert second.status_code == 200
    assert first.json() == second.json()
    assert Token.objects.filter(user=user).count() == 1


def test_token_obtain_refuses_wrong_credentials_without_saying_which_part(
    api_client,
):
    UserFactory.create(username="giulia")
    UserFactory.create(username="inattivo", is_active=False)

    wrong_password = api_client.post(
        URL, {"username": "giulia", "password": "sbagliata"}, format="json"
    )
    unknown_user = api_client.post(
        URL, {"username": "nessuno", "password": PASSWORD}, format="json"
    )
    inactive_user = api_client.post(
        URL, {"username": "inattivo", "password": PASSWORD}, format="json"
    )

    assert wrong_password.status_code == 400
    assert unknown_user.status_code == 400
    assert inactive_user.status_code == 400
    assert wrong_password.json() == unknown_user.json() == inactive_user.json()
    assert wrong_password.json() == WRONG_CREDENTIALS
    assert Token.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"password": PASSWORD}, {"username": ["Campo obbligatorio."]}),
        ({"username": "giulia"}, {"password": ["Campo obbligatorio."]}),
        (
            {},
            {
                "username": ["Campo obbligatorio."],
                "password": ["Campo obbligatorio."],
            },
        ),
        (
            {"username": "g" * 151, "password": PASSWORD},
            {
                "username": [
                    "Assicurati che questo campo non abbia più di 150 caratteri."
                ]
            },
        ),
    ],
    ids=["no-username", "no-password", "empty", "username-too-long"],
)
def test_token_obtain_answers_field_errors_for_malformed_input(
    api_client, body, errors
):
    UserFactory.create(username="giulia")

    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert Token.objects.count() == 0


def test_token_authenticates_the_api(api_client):
    staff = StaffRoleFactory.create(
        user=UserFactory.create(username="giulia"), role=StaffRole.Role.RECEPTION
    )
    token = api_client.post(
        URL, {"username": "giulia", "password": PASSWORD}, format="json"
    ).json()["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/v1/lines/")

    assert response.status_code == 200
    assert len(response.json()) == 6
    assert Token.objects.get(key=token).user == staff.user


def test_unknown_token_is_refused(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = api_client.get("/api/v1/lines/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
