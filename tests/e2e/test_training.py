"""Training in the browser: the director's plan to the region, the counter gate."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from formazione.models import TrainingPlan
from sedi import calendar
from sportelli.models import Counter, Shift
from tests.e2e.test_counters import PASSWORD, next_open_morning, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOT_QUALIFIED = (
    "Lo sportello non può essere aperto per la linea «Linea Assicurato "
    "Pensionato»: l'operatore non ha ancora completato la formazione per questa "
    "linea. Al momento non è abilitato per nessuna linea di questa sede."
)


@pytest.fixture
def demo(live_server):
    with time_machine.travel(next_open_morning(), tick=True):
        call_command("seed_demo", "--password", PASSWORD, verbosity=0)
        yield live_server.url


def in_days(days: int) -> str:
    return (calendar.today() + datetime.timedelta(days=days)).isoformat()


def test_director_sends_a_new_plan_and_the_region_approves_it(browser, page, demo):
    sign_in(page, f"{demo}/formazione/roma-centro/piani/", "direttore")
    assert (
        page.get_by_test_id("plans")
        .get_by_text("Piano formativo della sede — prossimo semestre")
        .is_visible()
    )

    # A new plan, well after the one already sent.
    page.get_by_label("Titolo", exact=True).fill("Piano formativo — autunno")
    page.get_by_label("Periodo dal").fill(in_days(210))
    page.get_by_label("Periodo al").fill(in_days(300))
    page.get_by_role("button", name="Crea il piano").click()
    page.get_by_text("Piano creato: aggiunga i corsi.").wait_for()
    assert page.get_by_test_id("plan-state").inner_text() == "In preparazione"

    # Its first course, in the future, qualifying for line A.
    page.get_by_label("Titolo del corso").fill("Affiancamento: linea A")
    page.get_by_label("Docente").fill("Marco Rinaldi")
    page.get_by_label("Argomento").select_option(
        label="Formazione di ruolo: sportello a ciclo chiuso"
    )
    page.get_by_label("Modalità").select_option(label="On the job")
    page.get_by_label("Inizio").fill(in_days(220))
    page.get_by_label("Fine").fill(in_days(222))
    page.get_by_label("Ore", exact=True).fill("12")
    # Bootstrap Italia draws the box over the input: tick it by keyboard.
    line_a = page.get_by_label("A — Linea Assicurato Pensionato")
    line_a.focus()
    page.keyboard.press("Space")
    assert line_a.is_checked()
    page.get_by_role("button", name="Aggiungi il corso").click()
    page.get_by_text("Corso «Affiancamento: linea A» aggiunto al piano.").wait_for()

    page.get_by_role("button", name="Invia alla Direzione regionale").click()
    page.get_by_text("Piano inviato alla Direzione regionale.").wait_for()
    assert page.get_by_test_id("plan-state").inner_text() == (
        "Inviato alla Direzione regionale"
    )
    plan = TrainingPlan.objects.get(title="Piano formativo — autunno")
    assert plan.state == TrainingPlan.State.SUBMITTED
    assert list(plan.courses.get().lines.values_list("code", flat=True)) == [
        "assicurato-pensionato"
    ]

    # The region finds it among the plans to review and approves it.
    browser.clear_cookies()
    region = browser.new_page()
    sign_in(region, f"{demo}/formazione/regione/", "regione")
    region.get_by_role("link", name="Piano formativo — autunno").click()
    courses = region.get_by_test_id("plan-courses").inner_text()
    assert "Affiancamento: linea A" in courses
    region.get_by_role("button", name="Approva il piano").click()
    region.get_by_text("Piano approvato.").wait_for()
    assert region.get_by_test_id("plan-state").inner_text() == "Approvato"
    plan.refresh_from_db()
    assert plan.state == TrainingPlan.State.APPROVED
    region.close()


def test_an_untrained_operator_is_refused_a_counter_a_trained_one_opens_it(
    browser, page, demo
):
    counter = Counter.objects.get(branch__code="roma-centro", number=1)
    desk_url = f"{demo}/sportelli/roma-centro/{counter.pk}/"
    sign_in(page, desk_url, "operatore-nuovo")

    refusal = page.get_by_test_id("not-qualified")
    assert refusal.is_visible()
    assert "non ha ancora completato la formazione" in refusal.inner_text()
    assert page.locator("#desk-line").count() == 0

    # A forged POST of the open form gets the gate's sentence as an alert.
    page.evaluate(
        """([action, line]) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = action;
            const token = document.querySelector("[name=csrfmiddlewaretoken]");
            for (const [name, value] of [
                ["csrfmiddlewaretoken", token.value], ["line", line],
            ]) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = name;
                input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }""",
        [f"{desk_url}apri/", "assicurato-pensionato"],
    )
    alert = page.locator(".alert-danger")
    alert.wait_for()
    assert alert.inner_text() == NOT_QUALIFIED
    assert not Shift.objects.filter(counter=counter).exists()

    # The trained operator opens the same counter.
    browser.clear_cookies()
    trained = browser.new_page()
    sign_in(trained, desk_url, "operatore")
    trained.get_by_label("Linea da servire").select_option("assicurato-pensionato")
    trained.get_by_role("button", name="Apri lo sportello").click()
    trained.get_by_text(
        "Sportello aperto per la linea «Linea Assicurato Pensionato»."
    ).wait_for()
    shift = Shift.objects.get(counter=counter)
    assert shift.operator.username == "operatore"
    trained.close()
