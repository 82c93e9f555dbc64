"""The counters' pages: desk, hall display, kiosk and virtual ticket."""

import datetime
import html
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import segno
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from sedi.models import Branch, ServiceLine, StaffRole
from sportelli import services
from sportelli.models import Counter, Shift, Ticket

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
# Wednesday 2 December 2026, 09:00: counters and kiosk are open.
MORNING = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=ROME)
PASSWORD = "prova-pagine-66"
PENSIONER = "assicurato-pensionato"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def demo():
    call_command("seed_demo", "--password", PASSWORD, verbosity=0)
    return Branch.objects.get(code="roma-centro")


@pytest.fixture
def counter(demo):
    return Counter.objects.get(branch=demo, number=3)


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def desk_url(counter, action=None):
    base = f"/sportelli/{counter.branch.code}/{counter.pk}/"
    return f"{base}{action}/" if action else base


def issue(branch, line=PENSIONER, **kwargs):
    return services.ticket_issue(
        branch=branch, line_code=line, channel=Ticket.Channel.RECEPTION, **kwargs
    )


def alerts(page, kind=""):
    """Return the texts of the page's alerts (of Bootstrap class ``kind``)."""
    found = re.findall(
        rf'class="alert alert-{kind}[^"]*" role="alert">(.*?)</div>', page, flags=re.S
    )
    return [html.unescape(text.strip()) for text in found]


@pytest.fixture
def open_counter(client, counter):
    login(client, "operatore")
    client.post(desk_url(counter, "apri"), {"line": PENSIONER})
    return counter


# --- access -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/sportelli/roma-centro/", "/sportelli/roma-centro/1/", "/totem/roma-centro/"],
)
def test_staff_pages_send_anonymous_visitors_to_login(client, demo, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"/accesso/?next={path}"


def test_counter_list_shows_the_branch_counters_and_their_state(client, counter):
    login(client, "operatore")
    client.post(desk_url(counter, "apri"), {"line": PENSIONER})

    response = client.get("/sportelli/roma-centro/")

    page = response.text
    assert response.status_code == 200
    assert page.count('href="/sportelli/roma-centro/') == 8
    assert "A — Linea Assicurato Pensionato" in page
    assert "Marco Rinaldi" in page


def test_desk_of_a_counter_of_another_branch_is_not_found(client, demo):
    login(client, "operatore")
    eur = Counter.objects.get(branch__code="roma-eur", number=1)

    assert client.get(f"/sportelli/roma-eur/{eur.pk}/").status_code == 404
    assert client.get(f"/sportelli/roma-centro/{eur.pk}/").status_code == 404
    assert client.post(f"/sportelli/roma-eur/{eur.pk}/apri/").status_code == 404
    assert client.get("/sportelli/roma-eur/").status_code == 404


def test_desk_is_not_found_for_staff_without_a_counter_role(client, counter):
    login(client, "reception")

    assert client.get(desk_url(counter)).status_code == 404
    assert client.get("/sportelli/roma-centro/").status_code == 404


def test_desk_url_with_a_wrong_branch_or_action_is_not_found(client, counter):
    login(client, "operatore")

    assert client.get(f"/sportelli/roma-eur/{counter.pk}/").status_code == 404
    assert client.post(desk_url(counter, "esplodi")).status_code == 404


# --- operator desk ----------------------------------------------------------


def test_closed_desk_offers_the_lines_open_at_the_branch(client, counter):
    login(client, "operatore")

    page = client.get(desk_url(counter)).text

    assert "Lo sportello è chiuso" in page
    select = re.search(r'<select id="desk-line".*?</select>', page, flags=re.S)
    assert select is not None
    # roma-centro has every line; Indebiti only in its dated peak period.
    assert select.group().count("<option") == 5
    assert 'value="indebiti"' not in select.group()
    assert '<label for="desk-line">Linea da servire</label>' in page


def test_operator_opens_the_counter_for_a_line(client, counter):
    login(client, "operatore")

    response = client.post(desk_url(counter, "apri"), {"line": PENSIONER}, follow=True)

    shift = Shift.objects.get(counter=counter, closed_at=None)
    assert shift.line.code == PENSIONER
    assert shift.operator.username == "operatore"
    assert response.redirect_chain == [(desk_url(counter), 302)]
    assert "Sportello aperto per la linea «Linea Assicurato Pensionato»." in alerts(
        response.text
    )
    assert 'data-shortcut="n"' in response.text
    assert (
        'data-testid="nobody-waiting">Nessuno in attesa sulla linea '
        "Linea Assicurato Pensionato.</p>"
    ) in response.text
    # 09:00 on a working day: no outside-hours warning.
    assert alerts(response.text, "warning") == []
    assert 'data-testid="closed-now"' not in response.text


def test_operator_calls_the_next_ticket_and_completes_it_with_services(
    client, open_counter, demo
):
    first = issue(demo)
    issue(demo)

    called = client.post(desk_url(open_counter, "chiama"), follow=True)

    first.refresh_from_db()
    assert first.status == Ticket.Status.CALLED
    assert first.counter == open_counter
    assert "Chiamato il biglietto A001." in alerts(called.text)
    assert '<p class="desk-code mb-1">A001</p>' in called.text
    assert "1 biglietto in attesa" in called.text
    assert 'value="stato-pratiche"' in called.text

    done = client.post(
        desk_url(open_counter, "servito"),
        {"ticket": first.pk, "services": ["stato-pratiche", "pin-cittadino"]},
        follow=True,
    )

    first.refresh_from_db()
    assert first.status == Ticket.Status.COMPLETED
    assert sorted(first.services.values_list("code", flat=True)) == [
        "pin-cittadino",
        "stato-pratiche",
    ]
    assert "Biglietto A001 servito." in alerts(done.text)
    assert "Nessun biglietto in chiamata" in done.text


def test_a_refused_call_shows_the_rule_as_an_alert(client, counter, demo):
    login(client, "operatore")
    issue(demo)

    response = client.post(desk_url(counter, "chiama"), follow=True)

    assert response.status_code == 200
    assert alerts(response.text, "danger") == [
        "Lo sportello non è aperto: aprire prima un turno."
    ]
    assert Ticket.objects.filter(status=Ticket.Status.WAITING).count() == 1


def test_completing_without_a_service_shows_the_error_and_keeps_the_call(
    client, open_counter, demo
):
    ticket = issue(demo)
    client.post(desk_url(open_counter, "chiama"))

    response = client.post(
        desk_url(open_counter, "servito"), {"ticket": ticket.pk}, follow=True
    )

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CALLED
    assert alerts(response.text, "danger") == ["Indicare almeno un servizio reso."]


def test_operator_busy_at_another_counter_cannot_open_a_second_one(
    client, open_counter, demo
):
    other = Counter.objects.get(branch=demo, number=4)

    response = client.post(desk_url(other, "apri"), {"line": PENSIONER}, follow=True)

    assert alerts(response.text, "danger") == [
        "L'operatore ha già un turno aperto a un altro sportello."
    ]
    assert not Shift.objects.filter(counter=other).exists()


def test_operator_recalls_then_marks_a_no_show(client, open_counter, demo):
    ticket = issue(demo)
    client.post(desk_url(open_counter, "chiama"))

    recalled = client.post(
        desk_url(open_counter, "richiama"), {"ticket": ticket.pk}, follow=True
    )
    ticket.refresh_from_db()
    assert ticket.recall_count == 1
    assert "Biglietto A001 richiamato sul monitor." in alerts(recalled.text)
    assert "Richiamato 1 volta." in recalled.text

    client.post(desk_url(open_counter, "assente"), {"ticket": ticket.pk})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NO_SHOW


def test_operator_transfers_the_ticket_to_another_line(client, open_counter, demo):
    ticket = issue(demo)
    client.post(desk_url(open_counter, "chiama"))

    response = client.post(
        desk_url(open_counter, "trasferisci"),
        {"ticket": ticket.pk, "line": "socio-sanitari"},
        follow=True,
    )

    ticket.refresh_from_db()
    assert ticket.line.code == "socio-sanitari"
    assert ticket.status == Ticket.Status.WAITING
    assert ticket.code == "A001"
    assert (
        "Biglietto A001 trasferito alla linea «Linea Servizi Socio-Sanitari»."
        in alerts(response.text)
    )


def test_an_action_on_a_ticket_called_elsewhere_is_refused(client, open_counter, demo):
    ticket = issue(demo)

    response = client.post(
        desk_url(open_counter, "richiama"), {"ticket": ticket.pk}, follow=True
    )

    assert alerts(response.text, "danger") == [
        "Il biglietto A001 non è in chiamata a questo sportello."
    ]
    ticket.refresh_from_db()
    assert ticket.recall_count == 0


def test_operator_pauses_resumes_and_closes_the_counter(client, open_counter):
    paused = client.post(desk_url(open_counter, "pausa"), follow=True)
    assert Shift.objects.get(counter=open_counter).paused_at == MORNING
    assert "Lo sportello è in pausa: riprenda il servizio per chiamare." in paused.text

    client.post(desk_url(open_counter, "riprendi"))
    assert Shift.objects.get(counter=open_counter).paused_at is None

    closed = client.post(desk_url(open_counter, "chiudi"), follow=True)
    assert Shift.objects.get(counter=open_counter).closed_at == MORNING
    assert "Lo sportello è chiuso" in closed.text


def test_desk_queue_partial_counts_the_line_waiting(client, open_counter, demo):
    issue(demo, priority=True)
    issue(demo)
    issue(demo, line="socio-sanitari")

    response = client.get(desk_url(open_counter, "coda"))

    text = " ".join(re.sub(r"<[^>]+>", "", response.text).split())
    assert "2 biglietti in attesa (di cui 1 con precedenza) sulla linea" in text
    assert 'hx-trigger="every 5s"' in response.text
    # The line's waiting tickets by code, in call order, priority first;
    # nothing of the holders (a ticket has no name).
    listed = re.search(
        r'data-testid="desk-waiting"[^>]*>(.*?)</ol>', response.text, re.S
    )
    assert listed is not None
    codes = re.findall(r"<li[^>]*>([A-F]\d{3})", listed.group(1))
    assert codes == ["A001", "A002"]
    assert '<li class="is-priority">A001' in listed.group(1)


def test_desk_lists_at_most_twelve_waiting_and_counts_the_rest(
    client, open_counter, demo
):
    for _ in range(15):
        issue(demo)

    response = client.get(desk_url(open_counter, "coda"))

    assert response.text.count("<li") == 12
    assert "e altri 3" in response.text


def test_nobody_to_call_is_information_not_success(client, open_counter):
    client.get(desk_url(open_counter))  # reads the opening's message
    response = client.post(desk_url(open_counter, "chiama"), follow=True)

    assert alerts(response.text, "info") == [
        "Nessun biglietto in attesa su questa linea."
    ]
    assert alerts(response.text, "success") == []


def test_the_called_ticket_shows_a_service_timer(client, open_counter, demo, clock):
    issue(demo)
    client.post(desk_url(open_counter, "chiama"))
    clock.shift(datetime.timedelta(minutes=2, seconds=5))

    page = client.get(desk_url(open_counter)).text

    assert 'data-testid="service-timer"' in page
    assert 'data-elapsed="125"' in page
    assert 'role="timer"' in page
    # The "Servito" button submits the services' form from the top of the
    # panel, next to the code.
    assert page.index('data-testid="served"') < page.index('id="complete-form"')
    assert 'form="complete-form"' in page
    # The operator books the first free consultation from the desk.
    assert (
        'href="/consulenza/prenota/?branch=roma-centro&amp;line=assicurato-pensionato"'
        ' data-testid="desk-book"'
    ) in page


def test_another_operators_counter_shows_no_usable_buttons(client, open_counter, demo):
    issue(demo)
    client.post(desk_url(open_counter, "chiama"))
    client.logout()
    other = User.objects.create_user("operatore-due", password=PASSWORD)
    StaffRole.objects.create(user=other, branch=demo, role=StaffRole.Role.OPERATOR)
    login(client, "operatore-due")

    page = client.get(desk_url(open_counter)).text

    assert 'data-testid="current-ticket"' in page
    assert 'data-testid="not-your-ticket"' in page
    for action in ("servito", "richiama", "assente", "trasferisci", "pausa", "chiudi"):
        assert f"/{action}/" not in page
    assert 'data-testid="other-operator"' in page


def test_the_floor_supervisor_may_act_on_anothers_counter(client, open_counter, demo):
    issue(demo)
    client.post(desk_url(open_counter, "chiama"))
    client.logout()
    login(client, "sala")

    page = client.get(desk_url(open_counter)).text

    for action in ("servito", "richiama", "assente", "pausa", "chiudi"):
        assert f"/{action}/" in page
    assert "come funzionario di sala" in page


def test_opening_outside_hours_warns_the_operator(client, counter, clock):
    clock.move_to(datetime.datetime(2026, 12, 2, 13, 15, tzinfo=ROME))
    login(client, "operatore")

    closed = client.get(desk_url(counter)).text
    assert 'data-testid="closed-now"' in closed
    assert "Gli sportelli hanno chiuso alle 12:30." in closed
    assert 'data-testid="outside-hours"' in closed

    opened = client.post(desk_url(counter, "apri"), {"line": PENSIONER}, follow=True)

    assert Shift.objects.filter(counter=counter, closed_at=None).exists()
    warnings = alerts(opened.text, "warning")
    assert warnings[0].startswith("Attenzione: gli sportelli sono fuori orario")


def test_the_desk_says_closed_now_before_opening_and_on_a_holiday(
    client, counter, clock
):
    clock.move_to(datetime.datetime(2026, 12, 2, 8, 0, tzinfo=ROME))
    login(client, "operatore")
    assert "Gli sportelli aprono alle 08:30." in client.get(desk_url(counter)).text

    # 8 December, Immacolata Concezione.
    clock.move_to(datetime.datetime(2026, 12, 8, 9, 0, tzinfo=ROME))
    login(client, "operatore")
    page = client.get(desk_url(counter)).text
    assert "Oggi gli sportelli non aprono: " in page


def test_desk_query_count_does_not_grow_with_tickets(
    client, open_counter, demo, django_assert_max_num_queries
):
    for _ in range(15):
        issue(demo)
    client.post(desk_url(open_counter, "chiama"))

    with django_assert_max_num_queries(12):
        response = client.get(desk_url(open_counter))

    assert response.status_code == 200


# --- kiosk ------------------------------------------------------------------


def test_kiosk_shows_a_button_per_open_line_and_the_priority_option(
    client, demo, django_assert_max_num_queries
):
    login(client, "kiosk")

    # Session, user, roles, branch, calendar, lines, queue (fixed).
    with django_assert_max_num_queries(12):
        page = client.get("/totem/roma-centro/").text

    # Every line of roma-centro but Indebiti, outside its peak period.
    assert page.count('name="line" value="') == 5
    assert 'value="indebiti"' not in page
    assert "Ho diritto a precedenza (disabilità, gravidanza, …)" in page
    assert '<label for="kiosk-priority">' in page


def test_kiosk_tells_the_lines_apart_in_plain_words(client, demo):
    login(client, "kiosk")

    page = client.get("/totem/roma-centro/").text

    descriptions = re.findall(
        r'<span class="kiosk-line-description" data-testid="kiosk-description">'
        r"(.*?)</span>",
        page,
    )
    assert [html.unescape(text) for text in descriptions] == [
        "Pensioni, deleghe, indirizzo e CUD",
        "Invalidità civile e visite mediche",
        "Disoccupazione, malattia e maternità",
        "Contributi, versamenti e DURC per aziende e autonomi",
        "Fondi speciali e pensioni di categoria",
    ]
    # Not the catalogue's first items, the same on several lines.
    assert "Presentazione dichiarazioni/autocertificazioni" not in page


def test_kiosk_shows_a_description_edited_in_the_admin(client, demo):
    ServiceLine.objects.filter(code=PENSIONER).update(
        kiosk_description="Pensioni e domande"
    )
    login(client, "kiosk")

    page = client.get("/totem/roma-centro/").text

    assert (
        '<span class="kiosk-line-description" data-testid="kiosk-description">'
        "Pensioni e domande</span>"
    ) in page


def test_kiosk_shows_each_line_waiting_and_its_honest_wait(client, demo, open_counter):
    for _ in range(3):
        issue(demo)
    issue(demo, line="socio-sanitari")
    client.logout()
    login(client, "kiosk")

    page = client.get("/totem/roma-centro/").text

    pensioner = _between(page, 'data-testid="kiosk-wait-assicurato-pensionato"')
    health = _between(page, 'data-testid="kiosk-wait-socio-sanitari"')
    # 3 ahead × 8 min ÷ 1 counter, spread 4 × √3: 17–31.
    assert "3 in attesa" in pensioner
    assert 'data-wait="17-31">tra 17 e 31 minuti' in pensioner
    # Nobody serves the line: no wait is promised, never 0.
    assert "1 in attesa" in health
    assert 'data-wait="none">nessuno sportello aperto ora' in health


def _between(page, marker):
    """Return the text of the element opened by ``marker``, up to its end."""
    start = page.index(marker)
    return page[start : page.index("</button>", start)]


def test_kiosk_switches_to_english_and_back(client, demo):
    login(client, "kiosk")
    page = client.get("/totem/roma-centro/").text
    # Two plain buttons in a form: reachable and pressed with the keyboard.
    assert '<button type="submit" name="language" value="en" lang="en"' in page
    assert 'aria-pressed="true">Italiano</button>' in page

    english = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/totem/roma-centro/"}
    )
    page_en = client.get("/totem/roma-centro/").text
    client.post("/i18n/setlang/", {"language": "it", "next": "/totem/roma-centro/"})
    page_it = client.get("/totem/roma-centro/").text

    assert english.status_code == 302
    assert english["Location"] == "/totem/roma-centro/"
    assert '<html lang="en">' in page_en
    assert "Take a ticket" in page_en
    assert "Pensions, proxies, address and tax statements" in page_en
    assert 'aria-pressed="true">English</button>' in page_en
    assert '<html lang="it">' in page_it
    assert "Prenda il biglietto" in page_it


def test_kiosk_is_not_found_for_other_roles(client, demo):
    login(client, "operatore")

    assert client.get("/totem/roma-centro/").status_code == 404


def test_kiosk_issues_a_ticket_and_shows_it_ready_to_print(client, demo):
    issue(demo)
    login(client, "kiosk")

    with mock.patch("frontoffice.common.qr.segno.make", wraps=segno.make) as make_qr:
        response = client.post(
            "/totem/roma-centro/", {"line": PENSIONER, "priority": "1"}, follow=True
        )

    ticket = Ticket.objects.get(channel=Ticket.Channel.KIOSK)
    assert ticket.code == "A002"
    assert ticket.priority is True
    assert ticket.issued_by is not None
    assert ticket.issued_by.username == "kiosk"
    assert response.redirect_chain == [
        (f"/totem/roma-centro/biglietto/{ticket.pk}/", 302)
    ]
    page = response.text
    assert 'data-testid="ticket-code">A002</h1>' in page
    assert '<dd data-testid="ticket-position">1</dd>' in page
    # No counter serves the line: the ticket promises no wait, never 0.
    assert "nessuno sportello aperto ora" in page
    assert "0 minuti" not in page
    assert "Linea Assicurato Pensionato" in page
    assert "Roma Centro — 2 dicembre 2026" in page
    assert "ore 09:00" in page
    assert "<svg" in page
    make_qr.assert_called_once_with(
        f"http://testserver/biglietto/{ticket.public_code}/", error="m"
    )


def test_kiosk_ticket_with_a_counter_open_shows_a_range(client, demo, counter):
    login(client, "operatore")
    client.post(desk_url(counter, "apri"), {"line": PENSIONER})
    for _ in range(3):
        issue(demo)
    client.logout()
    login(client, "kiosk")

    page = client.post("/totem/roma-centro/", {"line": PENSIONER}, follow=True).text

    # 3 ahead × 8 min (no service measured yet) = 24, spread 4 × √3: 17–31.
    assert '<dd data-testid="ticket-position">4</dd>' in page
    assert 'data-wait="17-31">tra 17 e 31 minuti</span>' in page
    assert "nessuno sportello aperto ora" not in page


def test_kiosk_ticket_of_another_branch_is_not_found(client, demo):
    eur = Branch.objects.get(code="roma-eur")
    ticket = issue(eur)
    login(client, "kiosk")

    response = client.get(f"/totem/roma-centro/biglietto/{ticket.pk}/")

    assert response.status_code == 404


def test_kiosk_after_noon_says_ticket_issuing_has_ended_and_when_it_resumes(
    client, demo, clock
):
    login(client, "kiosk")
    clock.move_to(datetime.datetime(2026, 12, 2, 12, 1, tzinfo=ROME))

    page = client.get("/totem/roma-centro/").text
    refused = client.post("/totem/roma-centro/", {"line": PENSIONER})

    assert "La distribuzione dei biglietti per oggi è terminata alle 12:00." in page
    # The counters still serve the queue until 12:30.
    assert "Gli sportelli servono ancora chi ha già il biglietto." in page
    # Not that the tickets ran out.
    assert "terminati" not in page
    assert (
        "I biglietti si distribuiscono dal lunedì al venerdì dalle 8:30 alle 12:00"
        in page
    )
    assert "Prossima distribuzione: giovedì 3 dicembre 2026 dalle 8:30." in page
    assert 'name="line"' not in page
    assert refused.status_code == 409
    assert not Ticket.objects.exists()


def test_kiosk_after_the_counters_close_says_issuing_has_ended_only(
    client, demo, clock
):
    login(client, "kiosk")
    clock.move_to(datetime.datetime(2026, 12, 2, 12, 45, tzinfo=ROME))

    page = client.get("/totem/roma-centro/").text

    assert "La distribuzione dei biglietti per oggi è terminata alle 12:00." in page
    assert "servono ancora" not in page


def test_kiosk_before_opening_says_when_issuing_starts(client, demo, clock):
    clock.move_to(datetime.datetime(2026, 12, 2, 8, 0, tzinfo=ROME))
    login(client, "kiosk")

    page = client.get("/totem/roma-centro/").text

    assert "La distribuzione dei biglietti inizia alle 8:30." in page
    assert "terminata" not in page


def test_kiosk_ticket_prints_by_itself_where_the_branch_asks_for_it(client, demo):
    ticket = issue(demo)
    login(client, "kiosk")
    url = f"/totem/roma-centro/biglietto/{ticket.pk}/"

    by_hand = client.get(url).text
    demo.kiosk_auto_print = True  # as the admin saves it
    demo.save()
    automatic = client.get(url).text

    assert "data-auto-print" not in by_hand
    assert "Stampa il biglietto</button>" in by_hand
    assert 'data-auto-print="1"' in automatic
    assert "Il biglietto è in stampa: lo ritiri sotto lo schermo." in automatic
    assert "Stampa di nuovo</button>" in automatic


def test_kiosk_ticket_goes_back_to_the_start_after_15_seconds(
    client, demo, django_assert_max_num_queries
):
    ticket = issue(demo)
    login(client, "kiosk")

    with django_assert_max_num_queries(12):
        page = client.get(f"/totem/roma-centro/biglietto/{ticket.pk}/").text

    assert 'data-reset-url="/totem/roma-centro/" data-reset-seconds="15"' in page
    assert "Tra <span data-reset-left>15</span> secondi" in page
    # The reset puts the kiosk back in Italian for the next person.
    reset_form = page[page.index("data-reset-form") : page.index("</form>")]
    assert '<input type="hidden" name="language" value="it">' in reset_form
    assert '<input type="hidden" name="next" value="/totem/roma-centro/">' in (
        reset_form
    )
    # No timed reload (WCAG 2.2.1): the script counts down on screen, and
    # the "Nuovo biglietto" link is always there.
    assert 'http-equiv="refresh"' not in page
    assert 'data-testid="kiosk-new-ticket"' in page
    # The receipt: number, line, time, place, QR; no site header.
    assert 'data-testid="ticket-code">A001</h1>' in page
    assert 'data-testid="ticket-issued">ore 09:00</dd>' in page
    assert '<dd data-testid="ticket-position">1</dd>' in page
    assert 'class="kiosk-qr"' in page
    assert "it-header-wrapper" not in page


def test_kiosk_on_a_holiday_says_why_and_the_next_day(client, demo, clock):
    # Sessions last a working day: the kiosk signs in on the morning itself.
    clock.move_to(datetime.datetime(2026, 12, 8, 9, 0, tzinfo=ROME))
    login(client, "kiosk")

    page = client.get("/totem/roma-centro/").text

    assert "Oggi la sede è chiusa: Immacolata Concezione." in page
    assert "Prossima distribuzione: mercoledì 9 dicembre 2026 dalle 8:30." in page


# --- hall display -----------------------------------------------------------


def test_display_page_is_public_and_polls_its_calls(client, demo):
    response = client.get("/display/roma-centro/")

    page = response.text
    assert response.status_code == 200
    assert '<html lang="it">' in page
    assert 'aria-live="polite"' in page
    assert 'hx-get="/display/roma-centro/chiamate/" hx-trigger="every 3s"' in page
    # The voice clips are there when `make assets` found espeak-ng.
    assert re.search(r'data-audio-base="(/static/audio/)?"', page)
    assert "Nessuna chiamata ancora oggi." in page


def test_display_of_an_unknown_branch_is_not_found(client, db):
    assert client.get("/display/nessuna/").status_code == 404
    assert client.get("/display/nessuna/chiamate/").status_code == 404


def test_display_partial_shows_ticket_and_counter_never_names(
    client, open_counter, demo, django_assert_max_num_queries
):
    issue(demo)
    client.post(desk_url(open_counter, "chiama"))
    client.logout()

    # Branch, calls, counters and catalogues (4), each line's queue (5).
    with django_assert_max_num_queries(9):
        response = client.get("/display/roma-centro/chiamate/")

    page = response.text
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert '<p class="display-code">A001</p>' in page
    assert '<p class="display-counter">Sportello 3</p>' in page
    assert 'data-announce-text="Numero A 0 0 1, sportello 3"' in page
    assert 'data-announce-clips="numero lettera-a n-0 n-0 n-1 sportello n-3"' in page
    # What the counter does, for the public: the line's name in large type;
    # the catalogue, unreadable at five metres, is left out.
    assert 'hx-swap-oob="true"' in page
    assert '<span class="display-counter-line">Linea Assicurato Pensionato</span>' in (
        page
    )
    assert "Rilascio PIN cittadino" not in page
    # No person's name: not the operator's, not anyone's.
    for name in ("Marco", "Rinaldi", "operatore"):
        assert name not in page


def test_display_partial_answers_204_until_something_changes(
    client, open_counter, demo
):
    ticket = issue(demo)
    client.post(desk_url(open_counter, "chiama"))
    first = client.get("/display/roma-centro/chiamate/")
    marker = re.search(r'data-display-version="(\w+)"', first.text)
    assert marker is not None
    version = marker.group(1)

    unchanged = client.get("/display/roma-centro/chiamate/", {"v": version})
    client.post(desk_url(open_counter, "richiama"), {"ticket": ticket.pk})
    recalled = client.get("/display/roma-centro/chiamate/", {"v": version})

    assert unchanged.status_code == 204
    assert recalled.status_code == 200
    assert 'data-recall-count="1"' in recalled.text


def test_an_unchanged_display_is_answered_without_a_query(
    client, open_counter, demo, django_assert_num_queries
):
    issue(demo)
    screen = Client()  # the hall's screen: nobody signed in
    first = screen.get("/display/roma-centro/chiamate/")
    marker = re.search(r'data-display-version="(\w+)"', first.text)
    assert marker is not None

    # Every screen asks every 3 s: until an event, the answer costs nothing.
    with django_assert_num_queries(0):
        unchanged = screen.get("/display/roma-centro/chiamate/", {"v": marker[1]})
    client.post(desk_url(open_counter, "chiama"))
    called = screen.get("/display/roma-centro/chiamate/", {"v": marker[1]})

    assert unchanged.status_code == 204
    assert called.status_code == 200
    assert '<p class="display-code">A001</p>' in called.text


def test_display_query_count_does_not_grow_with_calls(
    client, demo, django_assert_max_num_queries
):
    operator_counter = Counter.objects.get(branch=demo, number=1)
    login(client, "operatore")
    client.post(desk_url(operator_counter, "apri"), {"line": PENSIONER})
    for _ in range(12):
        issue(demo)
        client.post(desk_url(operator_counter, "chiama"))
        ticket = Ticket.objects.get(status=Ticket.Status.CALLED)
        client.post(desk_url(operator_counter, "assente"), {"ticket": ticket.pk})
    client.logout()

    with django_assert_max_num_queries(9):
        page = client.get("/display/roma-centro/chiamate/").text

    assert page.count("data-call-id=") == 8  # the latest and seven before it
    codes = re.findall(r'<td class="display-previous-code">(\w+)', page)
    assert codes == ["A011", "A010", "A009", "A008", "A007", "A006", "A005"]
    assert '<p class="display-code">A012</p>' in page


def test_display_shows_each_line_waiting_and_its_honest_wait(
    client, open_counter, demo
):
    for _ in range(3):
        issue(demo)
    issue(demo, line="socio-sanitari")
    client.logout()

    page = client.get("/display/roma-centro/").text

    pensioner = _row(page, "display-line-assicurato-pensionato")
    health = _row(page, "display-line-socio-sanitari")
    income = _row(page, "display-line-sostegno-reddito")
    assert '<td class="display-waiting" data-waiting="3">3</td>' in pensioner
    assert 'data-wait="17-31">tra 17 e 31 minuti' in pensioner
    # No counter serves these lines: no wait is promised, never 0 minutes.
    assert '<td class="display-waiting" data-waiting="1">1</td>' in health
    assert 'data-wait="none">nessuno sportello aperto ora' in health
    assert '<td class="display-waiting" data-waiting="0">0</td>' in income
    assert 'data-wait="none">nessuno sportello aperto ora' in income
    assert "Indebiti" not in page  # closed outside its peak period


def _row(page, testid):
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</tr>", start)]


def test_display_marks_a_recalled_ticket_as_a_recall(client, open_counter, demo):
    ticket = issue(demo)
    issue(demo)
    client.post(desk_url(open_counter, "chiama"))
    first = client.get("/display/roma-centro/chiamate/").text
    client.post(desk_url(open_counter, "richiama"), {"ticket": ticket.pk})
    recalled = client.get("/display/roma-centro/chiamate/").text

    assert 'class="display-latest" data-testid="display-latest"' in first
    assert "Richiamo" not in first
    assert 'class="display-latest is-recall" data-testid="display-latest"' in recalled
    assert (
        '<span class="display-recall" data-testid="display-recall">Richiamo</span>'
        in recalled
    )
    assert '<p class="display-code">A001</p>' in recalled


def test_display_partial_changes_when_a_ticket_is_issued(client, open_counter, demo):
    first = client.get("/display/roma-centro/chiamate/")
    marker = re.search(r'data-display-version="(\w+)"', first.text)
    assert marker is not None

    issue(demo)
    after = client.get("/display/roma-centro/chiamate/", {"v": marker.group(1)})

    # The waiting count moved: the display swaps in the new figures.
    assert after.status_code == 200
    assert '<td class="display-waiting" data-waiting="1">1</td>' in after.text


# --- virtual ticket ---------------------------------------------------------


def test_virtual_ticket_shows_place_and_wait_and_is_not_cached(client, demo, clock):
    issue(demo)
    clock.shift(datetime.timedelta(minutes=1))
    ticket = issue(demo)

    response = client.get(f"/biglietto/{ticket.public_code}/")

    page = response.text
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Biglietto A002" in page
    assert '<dd data-testid="ticket-position">2</dd>' in page
    assert "In attesa" in page
    assert 'hx-trigger="every 10s"' in page


def test_virtual_ticket_says_which_counter_calls_it_and_stops_polling(
    client, open_counter, demo
):
    ticket = issue(demo)
    client.post(desk_url(open_counter, "chiama"))

    called = client.get(f"/biglietto/{ticket.public_code}/stato/")
    client.post(
        desk_url(open_counter, "servito"),
        {"ticket": ticket.pk, "services": ["stato-pratiche"]},
    )
    served = client.get(f"/biglietto/{ticket.public_code}/stato/")

    assert "Tocca a lei: si rechi allo Sportello 3" in called.text
    assert "no-store" in called["Cache-Control"]
    assert "Servito. Grazie per la visita." in served.text
    assert "hx-trigger" not in served.text


def test_virtual_ticket_with_an_unknown_code_is_not_found(client, db):
    assert client.get("/biglietto/non-esiste/").status_code == 404
    assert client.get("/biglietto/non-esiste/stato/").status_code == 404
