import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", "--password", "prova-e2e-66")
    return live_server.url


def test_reception_signs_in_with_the_keyboard_and_sees_its_role(page, demo):
    page.goto(f"{demo}/")

    assert page.url.startswith(f"{demo}/accesso/")
    assert page.locator("html").get_attribute("lang") == "it"
    page.keyboard.type("reception")  # the username field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type("prova-e2e-66")
    page.keyboard.press("Enter")

    page.wait_for_url(f"{demo}/")
    assert page.get_by_test_id("current-user").inner_text() == "Giulia Ferri"
    roles = page.get_by_test_id("roles").inner_text()
    assert "Addetto reception" in roles
    assert "Roma Centro" in roles
    assert page.get_by_test_id("branch-roma-centro").is_visible()
    assert page.get_by_test_id("branch-roma-eur").count() == 0


def test_wrong_password_shows_an_error_without_saying_which_part(page, demo):
    page.goto(f"{demo}/accesso/")
    page.get_by_label("Nome utente").fill("reception")
    page.get_by_label("Password").fill("sbagliata")
    page.get_by_role("button", name="Accedi").click()

    alert = page.get_by_role("alert")
    assert "nome utente" in alert.inner_text().lower()
    assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"
    assert page.url.startswith(f"{demo}/accesso/")


def test_regional_user_sees_every_branch_of_the_region(page, demo):
    page.goto(f"{demo}/accesso/")
    page.get_by_label("Nome utente").fill("regione")
    page.get_by_label("Password").fill("prova-e2e-66")
    page.get_by_role("button", name="Accedi").click()

    page.wait_for_url(f"{demo}/")
    for code in ("roma-centro", "roma-eur", "civitavecchia"):
        assert page.get_by_test_id(f"branch-{code}").is_visible()
    page.get_by_role("button", name="Esci").click()
    page.wait_for_url(f"{demo}/accesso/")
