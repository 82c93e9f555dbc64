import pytest


@pytest.fixture
def as_user(api_client):
    """Return a function that signs the API client in as ``user``."""

    def sign_in(user):
        api_client.force_authenticate(user=user)
        return api_client

    return sign_in
