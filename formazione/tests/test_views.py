"""The training pages: plans and their editor, the region's review, the rota."""

import datetime
import html
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from formazione.models import Course, Enrollment, PlanEvent, Qualification, TrainingPlan
from formazione.tests.factories import CourseFactory, TrainingPlanFactory, qualify
from sedi.models import Branch, StaffRole
from sedi.services import staff_role_assign
from sedi.tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
# Wednesday 2 December 2026, 09:00 in Rome.
MORNING = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=ROME)
TODAY = MORNING.date()
PASSWORD = "prova-pagine-66"
Role = StaffRole.Role
State = TrainingPlan.State


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def demo():
    call_command("seed_demo", "--password", PASSWORD, verbosity=0)
    return Branch.objects.get(code="roma-centro")


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def user(username):
    return get_user_model().objects.get(username=username)


def day(offset):
    return TODAY + datetime.timedelta(days=offset)


def alerts(page, kind=""):
    """Return the texts of the page's alerts (of Bootstrap class ``kind``)."""
    found = re.findall(
        rf'class="alert alert-{kind}[^"]*" role="alert">(.*?)</div>', page, flags=re.S
    )
    return [html.unescape(text.strip()) for text in found]


def plan_of(branch, title="Piano formativo della sede — prossimo semestre"):
    return TrainingPlan.objects.get(branch__code=branch, title=title)


@pytest.fixture
def draft(demo):
    """A draft of roma-centro whose only course starts in 40 days."""
    plan = TrainingPlanFactory.create(
        branch=demo, title="Piano estivo", period_start=day(30), period_end=day(120)
    )
    CourseFactory.create(
        plan=plan,
        title="Sportello: linea C",
        starts_on=day(40),
        ends_on=day(41),
        hours=Decimal("8"),
        line_codes=["sostegno-reddito"],
    )
    return plan


def plan_url(plan, action=None):
    base = f"/formazione/{plan.branch.code}/piani/{plan.pk}/"
    return f"{base}{action}/" if action else base


COURSE_POST = {
    "title": "La decertificazione",
    "topic": "decertificazione",
    "level": "locale",
    "mode": "aula",
    "starts_on": "",
    "ends_on": "",
    "hours": "6",
    "trainer": "Ufficio formazione",
}


def course_post(**changes):
    data = {
        **COURSE_POST,
        "starts_on": day(50).isoformat(),
        "ends_on": day(50).isoformat(),
    }
    data.update(changes)
    return data


# --- access ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/formazione/roma-centro/piani/",
        "/formazione/roma-centro/piani/1/",
        "/formazione/regione/",
        "/formazione/regione/1/",
        "/formazione/roma-centro/abilitazioni/",
    ],
)
def test_training_pages_send_anonymous_visitors_to_login(client, demo, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"/accesso/?next={path}"


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("operatore", "/formazione/roma-centro/piani/", 403),
        ("sala", "/formazione/roma-centro/piani/", 403),
        ("reception", "/formazione/roma-centro/piani/", 403),
        ("kiosk", "/formazione/roma-centro/piani/", 403),
        ("regione", "/formazione/roma-centro/piani/", 403),
        ("direttore", "/formazione/roma-eur/piani/", 404),
        ("direttore", "/formazione/nessuna/piani/", 404),
        ("direttore", "/formazione/regione/", 403),
        ("sala", "/formazione/regione/", 403),
        ("operatore", "/formazione/roma-centro/abilitazioni/", 403),
        ("reception", "/formazione/roma-centro/abilitazioni/", 403),
        ("regione", "/formazione/roma-centro/abilitazioni/", 403),
        ("direttore", "/formazione/roma-eur/abilitazioni/", 404),
        ("sala", "/formazione/roma-eur/abilitazioni/", 404),
        ("direttore", "/formazione/roma-centro/piani/", 200),
        ("sala", "/formazione/roma-centro/abilitazioni/", 200),
        ("direttore", "/formazione/roma-centro/abilitazioni/", 200),
        ("regione", "/formazione/regione/", 200),
    ],
)
def test_each_page_admits_its_roles_and_hides_other_branches(
    client, demo, username, path, status
):
    login(client, username)

    assert client.get(path).status_code == status


def test_director_cannot_open_or_edit_another_branch_plan(client, demo):
    login(client, "direttore")
    eur = plan_of("roma-eur")

    assert client.get(plan_url(eur)).status_code == 404
    assert client.get(f"/formazione/roma-centro/piani/{eur.pk}/").status_code == 404
    assert client.post(plan_url(eur, "invia")).status_code == 404
    response = client.post(f"/formazione/roma-centro/piani/{eur.pk}/invia/")
    assert response.status_code == 404
    eur.refresh_from_db()
    assert eur.state == State.DRAFT


def test_region_cannot_see_a_plan_of_another_region(client, demo):
    other = UserFactory.create(username="regione-2")
    other.set_password(PASSWORD)
    other.save()
    staff_role_assign(user=other, role=Role.REGIONAL, region=RegionFactory.create())
    login(client, "regione-2")
    plan = plan_of("roma-centro")

    assert client.get(f"/formazione/regione/{plan.pk}/").status_code == 404
    assert client.post(f"/formazione/regione/{plan.pk}/approva/").status_code == 404
    assert "roma-centro" not in client.get("/formazione/regione/").text


def test_pages_answer_get_only_and_actions_post_only(client, demo):
    login(client, "direttore")
    plan = plan_of("roma-centro")

    assert client.post("/formazione/roma-centro/piani/").status_code == 405
    assert client.get("/formazione/roma-centro/piani/nuovo/").status_code == 405
    assert client.get(plan_url(plan, "invia")).status_code == 405
    assert client.post(plan_url(plan, "sconosciuta")).status_code == 404


# --- the director's plan list ------------------------------------------------


def test_plan_list_shows_states_first_courses_and_what_is_due(client, demo, draft):
    late = TrainingPlanFactory.create(
        branch=demo, title="Piano tardivo", period_start=day(-5), period_end=day(60)
    )
    CourseFactory.create(plan=late, starts_on=day(0))
    soon = TrainingPlanFactory.create(
        branch=demo, title="Piano imminente", period_start=day(1), period_end=day(60)
    )
    CourseFactory.create(plan=soon, starts_on=day(15))
    login(client, "direttore")

    response = client.get("/formazione/roma-centro/piani/")

    page = response.text
    assert response.status_code == 200
    row = re.search(rf'data-testid="plan-{soon.pk}">(.*?)</tr>', page, re.S)
    assert row is not None
    assert "17 dicembre 2026" in row.group(1)  # the first course
    assert "da inviare entro il 16 dicembre 2026" in row.group(1)
    late_row = re.search(rf'data-testid="plan-{late.pk}">(.*?)</tr>', page, re.S)
    assert late_row is not None
    assert "in ritardo" in late_row.group(1)
    # 40 days ahead: nothing due yet; a sent plan has nothing due.
    draft_row = re.search(rf'data-testid="plan-{draft.pk}">(.*?)</tr>', page, re.S)
    assert draft_row is not None
    assert "In preparazione" in draft_row.group(1)
    assert 'data-testid="plan-due">—</td>' in draft_row.group(1)
    sent = plan_of("roma-centro")
    sent_row = re.search(rf'data-testid="plan-{sent.pk}">(.*?)</tr>', page, re.S)
    assert sent_row is not None
    assert "Inviato alla Direzione regionale" in sent_row.group(1)
    assert 'data-testid="plan-due">—</td>' in sent_row.group(1)
    assert page.count('data-testid="plan-') == 5 + 5  # rows and their due cells
    assert "Piano formativo della sede — prossimo semestre" in page
    assert "Avvio del nuovo front office" in page


def test_director_creates_a_plan_and_lands_in_its_editor(client, demo):
    login(client, "direttore")

    response = client.post(
        "/formazione/roma-centro/piani/nuovo/",
        {
            "title": "Piano 2027",
            "period_start": "2027-09-01",
            "period_end": "2027-12-31",
        },
    )

    plan = TrainingPlan.objects.get(title="Piano 2027")
    assert response.status_code == 302
    assert response.url == f"/formazione/roma-centro/piani/{plan.pk}/"
    assert plan.branch.code == "roma-centro"
    assert plan.state == State.DRAFT
    assert plan.period_start == datetime.date(2027, 9, 1)
    assert list(plan.events.values_list("kind", "actor__username")) == [
        ("created", "direttore")
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"title": "X", "period_start": "1/2/2027x", "period_end": "2027-12-31"},
            "period_start",
            "Inserisci una data valida.",
        ),
        (
            {"title": "X", "period_start": "2027-12-31", "period_end": "2027-01-01"},
            "period_end",
            "La fine del periodo precede il suo inizio.",
        ),
        (
            {"title": "", "period_start": "2027-01-01", "period_end": "2027-01-31"},
            "title",
            "Campo obbligatorio.",
        ),
    ],
)
def test_a_malformed_new_plan_is_shown_again_with_field_errors(
    client, demo, data, field, message
):
    login(client, "direttore")
    before = TrainingPlan.objects.count()

    response = client.post("/formazione/roma-centro/piani/nuovo/", data)

    page = html.unescape(response.text)
    assert response.status_code == 400
    assert (
        f'<p id="plan-{field}_error" class="text-danger small mb-0">{message}</p>'
        in page
    )
    assert f'aria-describedby="plan-{field}_error"' in page or (
        f'aria-describedby="plan-{field}_helptext plan-{field}_error"' in page
    )
    assert 'aria-invalid="true"' in page
    assert TrainingPlan.objects.count() == before


def test_a_second_plan_starting_the_same_day_is_a_field_error(client, demo, draft):
    login(client, "direttore")

    response = client.post(
        "/formazione/roma-centro/piani/nuovo/",
        {
            "title": "Doppio",
            "period_start": draft.period_start.isoformat(),
            "period_end": draft.period_end.isoformat(),
        },
    )

    assert response.status_code == 400
    assert "La sede ha già un piano che inizia in questa data." in html.unescape(
        response.text
    )
    assert not TrainingPlan.objects.filter(title="Doppio").exists()


# --- the plan editor ---------------------------------------------------------


def test_editor_shows_courses_participants_lines_and_history(client, demo):
    login(client, "direttore")
    plan = plan_of("roma-centro")

    response = client.get(plan_url(plan))

    page = html.unescape(response.text)
    assert response.status_code == 200
    assert "Affiancamento allo sportello: linee A e B" in page
    assert "A — Linea Assicurato Pensionato; B — Linea Servizi Socio-Sanitari" in page
    assert "Luca Santoro" in page
    assert "Inviato alla Direzione regionale" in page
    # Sent: every edit form asks why; no submit button.
    assert 'data-testid="reason-needed"' in page
    assert page.count('name="reason"') == 3 * 3 + 4 + 1  # per course, enrolments, add
    assert "Invia alla Direzione regionale</button>" not in page
    assert 'id="history-title"' in page


def test_editor_of_a_draft_has_no_reason_field_and_a_submit_button(client, demo, draft):
    login(client, "direttore")

    page = client.get(plan_url(draft)).text

    assert 'name="reason"' not in page
    assert "Invia alla Direzione regionale</button>" in page
    assert f'id="course-{draft.courses.get().pk}-lines_2" checked' in page


def test_director_adds_a_course_with_the_lines_it_qualifies_for(client, demo, draft):
    login(client, "direttore")

    response = client.post(
        plan_url(draft, "corso"),
        course_post(lines=["assicurato-pensionato", "indebiti"]),
        follow=True,
    )

    course = draft.courses.get(title="La decertificazione")
    assert response.redirect_chain == [(plan_url(draft), 302)]
    assert alerts(response.text, "success") == [
        "Corso «La decertificazione» aggiunto al piano."
    ]
    assert course.kind == Course.Kind.TECHNICAL
    assert course.hours == Decimal("6")
    assert course.starts_on == day(50)
    assert sorted(course.lines.values_list("code", flat=True)) == [
        "assicurato-pensionato",
        "indebiti",
    ]


def field_error(page, field):
    """Return the error shown under a field of the add-course form."""
    found = re.search(
        rf'<p id="new-course-{field}_error" class="text-danger small[^"]*">(.*?)</p>',
        page,
        flags=re.S,
    )
    return html.unescape(found.group(1)) if found else None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hours": "sei"}, "hours", "Inserisci un numero."),
        (
            {"hours": "0"},
            "hours",
            "Assicurati che questo valore sia maggiore o uguale a 0.5.",
        ),
        ({"starts_on": "2027-02-30"}, "starts_on", "Inserisci una data valida."),
        (
            {"topic": "magia"},
            "topic",
            "Scegli un'opzione valida. magia non è tra quelle disponibili.",
        ),
        (
            {"lines": ["nessuna"]},
            "lines",
            "Scegli un'opzione valida. nessuna non è tra quelle disponibili.",
        ),
        (
            {"starts_on": "2028-01-01", "ends_on": "2028-01-01"},
            "starts_on",
            "Il corso deve svolgersi nel periodo del piano "
            "(1 gennaio 2027–1 aprile 2027).",
        ),
    ],
)
def test_a_refused_course_stays_on_the_form_with_its_field_errors(
    client, demo, draft, changes, field, message
):
    login(client, "direttore")

    response = client.post(plan_url(draft, "corso"), course_post(**changes))

    page = response.text
    assert response.status_code == 400
    assert alerts(page, "danger") == [
        "Il corso non è stato aggiunto: correggere i campi segnalati."
    ]
    assert field_error(page, field) == message
    if field != "lines":  # a fieldset of checkboxes
        assert re.search(
            rf'aria-invalid="true" aria-describedby="new-course-{field}_error"'
            rf'[^>]* id="new-course-{field}"',
            page,
        )
    assert 'value="La decertificazione"' in page  # what was typed stays
    assert draft.courses.count() == 1


def test_editing_a_sent_plan_needs_a_reason_and_reopens_it(client, demo):
    login(client, "direttore")
    plan = plan_of("roma-centro")

    refused = client.post(plan_url(plan, "corso"), course_post())
    plan.refresh_from_db()
    assert refused.status_code == 400
    assert field_error(refused.text, "reason") == (
        "Il piano è già stato inviato alla Direzione regionale: indicare il motivo "
        "della modifica."
    )
    assert (
        'aria-describedby="reason-needed new-course-reason_error" aria-invalid="true"'
        in refused.text
    )
    assert plan.state == State.SUBMITTED
    assert plan.courses.count() == 3

    client.post(
        plan_url(plan, "corso"),
        course_post(reason="Nuova circolare sulla decertificazione"),
    )

    plan.refresh_from_db()
    assert plan.state == State.DRAFT
    assert plan.courses.count() == 4
    event = plan.events.get(kind=PlanEvent.Kind.REOPENED)
    assert event.note == "Nuova circolare sulla decertificazione"
    assert event.actor == user("direttore")


def test_director_changes_and_removes_a_course(client, demo, draft):
    login(client, "direttore")
    course = draft.courses.get()

    changed = client.post(
        plan_url(draft, "corso-modifica"),
        course_post(
            course=course.pk, title="Linea C e D", lines=["soggetto-contribuente"]
        ),
        follow=True,
    )
    assert alerts(changed.text, "success") == ["Corso «Linea C e D» modificato."]
    course.refresh_from_db()
    assert course.title == "Linea C e D"
    assert list(course.lines.values_list("code", flat=True)) == [
        "soggetto-contribuente"
    ]

    response = client.post(
        plan_url(draft, "corso-rimuovi"), {"course": course.pk}, follow=True
    )
    assert alerts(response.text, "success") == ["Corso «Linea C e D» tolto dal piano."]
    assert not draft.courses.exists()


@pytest.mark.parametrize("value", ["", "abc", "1.5", "-3", "²", "9" * 30])
def test_a_malformed_course_id_is_not_found(client, demo, draft, value):
    login(client, "direttore")

    for action in ("corso-modifica", "corso-rimuovi", "iscrivi"):
        assert (
            client.post(plan_url(draft, action), {"course": value}).status_code == 404
        )
    assert draft.courses.count() == 1


def test_a_course_of_another_plan_is_not_found(client, demo, draft):
    login(client, "direttore")
    other = plan_of("roma-centro").courses.first()
    eur = plan_of("roma-eur").courses.get()

    assert (
        client.post(plan_url(draft, "corso-rimuovi"), {"course": other.pk}).status_code
        == 404
    )
    assert (
        client.post(plan_url(draft, "corso-rimuovi"), {"course": eur.pk}).status_code
        == 404
    )
    assert Course.objects.filter(pk__in=[other.pk, eur.pk]).count() == 2


def test_director_enrols_and_removes_a_participant(client, demo, draft):
    login(client, "direttore")
    course = draft.courses.get()
    newcomer = user("operatore-nuovo")

    response = client.post(
        plan_url(draft, "iscrivi"),
        {"course": course.pk, "participant": newcomer.pk},
        follow=True,
    )
    assert alerts(response.text, "success") == [
        "Luca Santoro iscritto al corso «Sportello: linea C»."
    ]
    enrollment = Enrollment.objects.get(course=course)
    assert enrollment.participant == newcomer

    client.post(plan_url(draft, "iscrizione-rimuovi"), {"enrollment": enrollment.pk})
    assert not Enrollment.objects.filter(course=course).exists()


def test_staff_of_another_branch_is_not_enrolled(client, demo, draft):
    login(client, "direttore")
    course = draft.courses.get()

    response = client.post(
        plan_url(draft, "iscrivi"),
        {"course": course.pk, "participant": user("reception-eur").pk},
        follow=True,
    )

    assert alerts(response.text, "danger") == [
        "Il partecipante non lavora in questa sede."
    ]
    assert not Enrollment.objects.filter(course=course).exists()
    assert (
        client.post(
            plan_url(draft, "iscrivi"), {"course": course.pk, "participant": "x"}
        ).status_code
        == 404
    )


def test_attendance_completes_a_course_and_qualifies_for_its_lines(client, demo, clock):
    plan = plan_of("roma-centro")
    enrollment = Enrollment.objects.get(
        participant__username="operatore-nuovo", course__title__startswith="Affianc"
    )
    clock.move_to(datetime.datetime.combine(day(31), datetime.time(9), tzinfo=ROME))
    login(client, "direttore")

    response = client.post(
        plan_url(plan, "frequenza"),
        {"enrollment": enrollment.pk, "hours_attended": "20", "completed": "on"},
        follow=True,
    )

    assert alerts(response.text, "success") == ["Frequenza di Luca Santoro registrata."]
    enrollment.refresh_from_db()
    assert enrollment.hours_attended == Decimal("20")
    assert enrollment.completed_on == day(31)
    assert sorted(
        Qualification.objects.filter(operator=enrollment.participant).values_list(
            "line__code", flat=True
        )
    ) == ["assicurato-pensionato", "socio-sanitari"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hours_attended": "venti"}, "Ore frequentate: Inserisci un numero."),
        ({"hours_attended": "99"}, "Le ore frequentate vanno da 0 a 20.0."),
        (
            {"hours_attended": "4", "completed": "on"},
            "Il corso non è ancora iniziato.",
        ),
    ],
)
def test_bad_attendance_is_refused_with_an_alert(client, demo, data, message):
    login(client, "direttore")
    plan = plan_of("roma-centro")
    enrollment = Enrollment.objects.get(
        participant__username="operatore-nuovo", course__title__startswith="Affianc"
    )

    response = client.post(
        plan_url(plan, "frequenza"), {"enrollment": enrollment.pk, **data}, follow=True
    )

    assert alerts(response.text, "danger") == [message]
    enrollment.refresh_from_db()
    assert enrollment.hours_attended == Decimal("0")
    assert enrollment.completed_on is None


def test_director_submits_a_draft(client, demo, draft):
    login(client, "direttore")

    response = client.post(plan_url(draft, "invia"), follow=True)

    draft.refresh_from_db()
    assert alerts(response.text, "success") == [
        "Piano inviato alla Direzione regionale."
    ]
    assert draft.state == State.SUBMITTED
    assert draft.submitted_by == user("direttore")
    assert '<span class="badge bg-primary">Inviato alla Direzione regionale</span>' in (
        response.text
    )


def test_a_late_plan_is_refused_with_the_italian_sentence(client, demo, draft):
    CourseFactory.create(plan=draft, title="Oggi", starts_on=day(0), ends_on=day(0))
    draft.period_start = day(0)
    draft.save()
    login(client, "direttore")

    response = client.post(plan_url(draft, "invia"), follow=True)

    assert alerts(response.text, "danger") == [
        "Il piano va inviato alla Direzione regionale prima dell'inizio dei corsi: "
        "«Oggi» inizia il 2 dicembre 2026."
    ]
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_editor_query_count_does_not_grow_with_courses_and_people(
    client, demo, draft, django_assert_max_num_queries
):
    people = []
    for n in range(12):
        person = UserFactory.create(username=f"collega-{n}")
        staff_role_assign(user=person, role=Role.OPERATOR, branch=demo)
        people.append(person)
    for n in range(8):
        course = CourseFactory.create(
            plan=draft,
            starts_on=day(40 + n),
            line_codes=["assicurato-pensionato", "socio-sanitari"],
        )
        for person in people:
            Enrollment.objects.create(course=course, participant=person)
    login(client, "direttore")

    # Session, user, role, branch, plan, courses, lines, enrolments with
    # their people, events, their actors, the branch staff, the lines offered.
    with django_assert_max_num_queries(11):
        response = client.get(plan_url(draft))

    assert response.status_code == 200
    assert response.text.count('name="hours_attended"') == 8 * 12


# --- the region --------------------------------------------------------------


def test_region_lists_submitted_plans_first_and_filters(client, demo):
    login(client, "regione")

    page = client.get("/formazione/regione/").text

    rows = re.findall(r'data-testid="region-plan-(\d+)"', page)
    sent = plan_of("roma-centro")
    assert rows[0] == str(sent.pk)
    assert len(rows) == 4
    only_drafts = client.get("/formazione/regione/?state=draft").text
    assert sorted(
        re.findall(r'data-testid="region-plan-(\d+)"', only_drafts)
    ) == sorted([str(plan_of("roma-eur").pk), str(plan_of("civitavecchia").pk)])
    eur = client.get("/formazione/regione/?branch=roma-eur").text
    assert re.findall(r'data-testid="region-plan-(\d+)"', eur) == [
        str(plan_of("roma-eur").pk)
    ]
    # An unknown filter value shows everything rather than failing.
    assert client.get("/formazione/regione/?state=x&branch=y").status_code == 200


def test_region_approves_a_submitted_plan(client, demo):
    login(client, "regione")
    plan = plan_of("roma-centro")

    detail = client.get(f"/formazione/regione/{plan.pk}/")
    response = client.post(f"/formazione/regione/{plan.pk}/approva/", follow=True)

    assert "Approva il piano" in detail.text
    assert "Affiancamento allo sportello: linee A e B" in detail.text
    assert alerts(response.text, "success") == ["Piano approvato."]
    plan.refresh_from_db()
    assert plan.state == State.APPROVED
    assert plan.reviewed_by == user("regione")
    assert "Approva il piano" not in response.text


def test_region_returns_a_plan_with_remarks_the_director_reads(client, demo):
    login(client, "regione")
    plan = plan_of("roma-centro")

    empty = client.post(
        f"/formazione/regione/{plan.pk}/restituisci/", {"remarks": " "}, follow=True
    )
    assert alerts(empty.text, "danger") == [
        "Osservazioni per la sede: Campo obbligatorio."
    ]
    client.post(
        f"/formazione/regione/{plan.pk}/restituisci/",
        {"remarks": "Manca la formazione di ruolo per la reception."},
    )

    plan.refresh_from_db()
    assert plan.state == State.RETURNED
    login(client, "direttore")
    page = client.get(plan_url(plan)).text
    assert "Manca la formazione di ruolo per la reception." in page
    assert "Invia alla Direzione regionale</button>" in page


def test_region_cannot_approve_a_draft(client, demo):
    login(client, "regione")
    eur = plan_of("roma-eur")

    response = client.post(f"/formazione/regione/{eur.pk}/approva/", follow=True)

    assert alerts(response.text, "danger") == [
        "Il piano è «In preparazione»: l'operazione non è possibile."
    ]
    eur.refresh_from_db()
    assert eur.state == State.DRAFT


def test_director_cannot_review_plans(client, demo):
    login(client, "direttore")
    plan = plan_of("roma-centro")

    assert client.post(f"/formazione/regione/{plan.pk}/approva/").status_code == 403
    plan.refresh_from_db()
    assert plan.state == State.SUBMITTED


# --- the rota ----------------------------------------------------------------


def test_rota_shows_who_may_staff_which_line_today(client, demo):
    login(client, "sala")

    response = client.get("/formazione/roma-centro/abilitazioni/")

    page = html.unescape(response.text)
    trained = re.search(r'data-testid="rota-operatore">(.*?)</tr>', page, re.S)
    newcomer = re.search(r'data-testid="rota-operatore-nuovo">(.*?)</tr>', page, re.S)
    assert trained is not None
    assert newcomer is not None
    assert trained.group(1).count("abilitato</span>") == 6
    assert "corso «Lo sportello a ciclo chiuso: ruolo e relazione con l'utente»" in (
        trained.group(1)
    )
    assert newcomer.group(1).count("non abilitato") == 6
    assert "Abilita un operatore senza corso" not in page  # the supervisor reads


def test_director_grants_and_revokes_a_qualification(client, demo):
    login(client, "direttore")
    newcomer = user("operatore-nuovo")

    granted = client.post(
        "/formazione/roma-centro/abilitazioni/concedi/",
        {
            "operator": newcomer.pk,
            "line": "indebiti",
            "reason": "Formato nella sede di Latina",
        },
        follow=True,
    )
    assert alerts(granted.text, "success") == [
        "Luca Santoro abilitato per la linea «Sportello Indebiti»."
    ]
    qualification = Qualification.objects.get(operator=newcomer)
    assert (qualification.line.code, qualification.since) == ("indebiti", TODAY)
    assert "concessa dal direttore: Formato nella sede di Latina" in html.unescape(
        granted.text
    )

    no_reason = client.post(
        "/formazione/roma-centro/abilitazioni/revoca/",
        {"qualification": qualification.pk, "reason": ""},
        follow=True,
    )
    assert alerts(no_reason.text, "danger") == ["Indicare il motivo della revoca."]
    client.post(
        "/formazione/roma-centro/abilitazioni/revoca/",
        {"qualification": qualification.pk, "reason": "Errore di assegnazione"},
    )
    qualification.refresh_from_db()
    assert qualification.revoke_reason == "Errore di assegnazione"
    assert qualification.revoked_by == user("direttore")


@pytest.mark.parametrize(
    "data",
    [
        {"operator": "x", "line": "indebiti", "reason": "r"},
        {"operator": "999999", "line": "indebiti", "reason": "r"},
        {"line": "indebiti", "reason": "r"},
    ],
)
def test_a_malformed_grant_is_an_alert(client, demo, data):
    login(client, "direttore")

    response = client.post(
        "/formazione/roma-centro/abilitazioni/concedi/", data, follow=True
    )

    assert len(alerts(response.text, "danger")) == 1
    assert alerts(response.text, "danger")[0].startswith("Operatore: ")
    assert not Qualification.objects.filter(granted_by__isnull=False).exists()


def test_supervisor_and_other_branch_cannot_grant_or_revoke(client, demo):
    qualification = Qualification.objects.filter(operator__username="operatore")[0]
    newcomer = user("operatore-nuovo")
    login(client, "sala")

    assert (
        client.post(
            "/formazione/roma-centro/abilitazioni/concedi/",
            {"operator": newcomer.pk, "line": "indebiti", "reason": "r"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/formazione/roma-centro/abilitazioni/revoca/",
            {"qualification": qualification.pk, "reason": "r"},
        ).status_code
        == 403
    )
    login(client, "direttore")
    assert (
        client.post(
            "/formazione/roma-centro/abilitazioni/revoca/",
            {"qualification": "abc", "reason": "r"},
        ).status_code
        == 404
    )
    assert client.post("/formazione/roma-eur/abilitazioni/concedi/").status_code == 404
    assert not Qualification.objects.filter(revoked_at__isnull=False).exists()


def test_rota_query_count_does_not_grow_with_operators(
    client, demo, django_assert_max_num_queries
):
    for n in range(25):
        person = UserFactory.create(username=f"sportellista-{n}")
        staff_role_assign(user=person, role=Role.OPERATOR, branch=demo)
        qualify(person)
    login(client, "direttore")

    # Session, user, role, branch, its lines, operators, qualifications,
    # and whether the reader directs the branch.
    with django_assert_max_num_queries(8):
        response = client.get("/formazione/roma-centro/abilitazioni/")

    assert response.status_code == 200
    assert response.text.count('data-testid="rota-') == 27


# --- home links --------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "links"),
    [
        (
            "direttore",
            ["/formazione/roma-centro/piani/", "/formazione/roma-centro/abilitazioni/"],
        ),
        ("sala", ["/formazione/roma-centro/abilitazioni/"]),
        ("operatore", ["/formazione/"]),
        ("regione", ["/formazione/regione/"]),
    ],
)
def test_home_links_each_role_to_its_training_pages(client, demo, username, links):
    login(client, username)

    page = client.get("/").text

    for link in links:
        assert f'href="{link}"' in page
