"""The lines and catalogues loaded by the data migration, guideline §2.1–2.6.

The expected data is typed here from the guideline text, not imported from
``sedi.catalogue``. Wording is the guideline's, except the stray space after
a slash ("dichiarazioni/ autocertificazioni", "CUD/ Obis M"). Codes and
letters are the design's; §2.2's heading typo "SERVISI" reads "Servizi".
"""

import pytest

from sedi.models import Service, ServiceLine
from sedi.services import catalogue_sync

pytestmark = pytest.mark.django_db

EXPECTED_LINES = [
    ("assicurato-pensionato", "Linea Assicurato Pensionato", "A", "2.1"),
    ("socio-sanitari", "Linea Servizi Socio-Sanitari", "B", "2.2"),
    ("sostegno-reddito", "Linea Prestazioni a Sostegno del Reddito", "C", "2.3"),
    ("soggetto-contribuente", "Linea Soggetto Contribuente", "D", "2.4"),
    ("indebiti", "Sportello Indebiti", "E", "2.5"),
    ("poli-specialistici", "Linea Poli Specialistici/Fondi Speciali", "F", "2.6"),
]

EXPECTED_ACTIVITIES = {
    # §2.1 SERVIZI A CICLO CHIUSO LINEA ASSICURATO PENSIONATO
    "assicurato-pensionato": [
        "Presentazione dichiarazioni/autocertificazioni a vario titolo",
        "Informazioni stato di lavorazione delle pratiche",
        "Rilascio estratti contributivi non certificativi",
        "Variazioni anagrafiche e di indirizzo",
        "Variazione ufficio pagatore",
        "Trasferimenti ad altra sede",
        "Revoche e deleghe su pensioni/sindacati/patronati",
        "Deleghe a riscuotere",
        "Comunicazione per eliminazione da decesso",
        "Ricezione dichiarazione detrazioni di imposta",
        "Duplicati CUD/Obis M",
        "Duplicato libretto di pensione",
        "Carta acquisti",
        "Rilascio PIN cittadino",
        "Attivazione Agenda appuntamenti",
    ],
    # §2.2 SERVIZI A CICLO CHIUSO LINEA SERVISI SOCIO-SANITARI
    "socio-sanitari": [
        "Presentazione dichiarazioni/autocertificazioni a vario titolo",
        "Informazioni stato di lavorazione delle pratiche",
        "Variazioni anagrafiche e di indirizzo",
        "Variazione ufficio pagatore",
        "Trasferimenti ad altra sede",
        "Revoche e deleghe su pensioni/sindacati/patronati",
        "Deleghe a riscuotere",
        "Comunicazione per eliminazione da decesso",
        "Richiesta di assegnazione visita medica",
        "Richiesta di verbali per invalidità civile",
        "Rilascio PIN cittadino",
        "Attivazione Agenda Appuntamenti",
    ],
    # §2.3 SERVIZI A CICLO CHIUSO LINEA PRESTAZIONI A SOSTEGNO DEL REDDITO
    "sostegno-reddito": [
        "Presentazione dichiarazioni/autocertificazioni a vario titolo",
        "Informazioni stato di lavorazione delle pratiche",
        "Istanze di giustificazione ad assenze di visite mediche",
        "Consegna modelli AS1",
        "Duplicati CUD",
        "Rilascio PIN cittadino",
        "Attivazione Agenda appuntamenti",
    ],
    # §2.4 SERVIZI A CICLO CHIUSO LINEA SOGGETTO CONTRIBUENTE
    "soggetto-contribuente": [
        "Estratto contributivo non certificativo",
        "Rilascio code line F24 artigiani e commercianti",
        "Rilascio moduli versamenti contributivi (MAV per domestici, etc.)",
        "Informazioni stato di lavorazione delle pratiche",
        "Variazione indirizzo di residenza per lavoratori autonomi",
        "Ristampa duplicato Durc",
        "Richiesta Durc cartaceo",
        "Rilascio PIN cittadino",
        "Rilascio PIN aziende",
        "Voucher: delega, vendita e consegna",
        "Istanza di rimborso",
        "Istanze di regolarizzazione",
        "Attivazione Agenda appuntamenti",
    ],
    # §2.5 SPORTELLO INDEBITI: the guideline lists no activities.
    "indebiti": [],
    # §2.6 SERVIZI A CICLO CHIUSO LINEA POLI SPECIALISTICI/FONDI SPECIALI
    "poli-specialistici": [
        "Presentazione dichiarazioni/autocertificazioni a vario titolo",
        "Informazioni stato di lavorazione delle pratiche",
        "Rilascio estratti contributivi non certificativi",
        "Variazioni anagrafiche e di indirizzo",
        "Variazione ufficio pagatore",
        "Trasferimenti ad altra sede",
        "Revoche e deleghe su pensioni/sindacati/patronati",
        "Deleghe a riscuotere",
        "Comunicazione per eliminazione da decesso",
        "Ricezione dichiarazione detrazioni di imposta",
        "Duplicati CUD/Obis M",
        "Duplicato libretto di pensione",
        "Carta acquisti",
        "Rilascio PIN cittadino",
        "Attivazione Agenda appuntamenti",
    ],
}

LINE_CODES = [
    pytest.param(code, id=f"{section}-{code}")
    for code, _name, _letter, section in EXPECTED_LINES
]


def test_lines_are_the_guideline_sections_in_order() -> None:
    lines = ServiceLine.objects.order_by("position").values_list(
        "code", "name", "letter", "section"
    )

    assert list(lines) == EXPECTED_LINES


def test_indebiti_opens_at_peaks_and_poli_only_where_present() -> None:
    kinds = ServiceLine.objects.order_by("position").values_list("code", "kind")

    assert list(kinds) == [
        ("assicurato-pensionato", ServiceLine.Kind.STANDARD),
        ("socio-sanitari", ServiceLine.Kind.STANDARD),
        ("sostegno-reddito", ServiceLine.Kind.STANDARD),
        ("soggetto-contribuente", ServiceLine.Kind.STANDARD),
        ("indebiti", ServiceLine.Kind.PEAK),
        ("poli-specialistici", ServiceLine.Kind.SPECIALIST),
    ]


@pytest.mark.parametrize("code", LINE_CODES)
def test_each_line_lists_the_guideline_activities_in_order(code: str) -> None:
    names = (
        Service.objects.filter(line__code=code)
        .order_by("position")
        .values_list("name", flat=True)
    )

    assert list(names) == EXPECTED_ACTIVITIES[code]


def test_no_activity_belongs_to_a_line_outside_the_guideline() -> None:
    assert Service.objects.count() == sum(map(len, EXPECTED_ACTIVITIES.values()))


@pytest.mark.parametrize("code", LINE_CODES)
def test_service_codes_are_unique_within_each_line(code: str) -> None:
    codes = list(Service.objects.filter(line__code=code).values_list("code", flat=True))

    assert len(codes) == len(set(codes))
    assert len(codes) == len(EXPECTED_ACTIVITIES[code])


def test_migration_gives_every_line_a_plain_kiosk_description():
    descriptions = dict(ServiceLine.objects.values_list("code", "kiosk_description"))

    assert descriptions == {
        "assicurato-pensionato": "Pensioni, deleghe, indirizzo e CUD",
        "socio-sanitari": "Invalidità civile e visite mediche",
        "sostegno-reddito": "Disoccupazione, malattia e maternità",
        "soggetto-contribuente": "Contributi, versamenti e DURC per aziende e autonomi",
        "indebiti": "Somme da restituire (indebiti)",
        "poli-specialistici": "Fondi speciali e pensioni di categoria",
    }


def test_sync_keeps_a_kiosk_description_edited_in_the_admin_and_fills_blanks():
    ServiceLine.objects.filter(code="assicurato-pensionato").update(
        kiosk_description="Pensioni e domande"
    )
    ServiceLine.objects.filter(code="indebiti").update(kiosk_description="")

    written = catalogue_sync()
    again = catalogue_sync()

    descriptions = dict(ServiceLine.objects.values_list("code", "kiosk_description"))
    assert written == 1
    assert again == 0
    assert descriptions["assicurato-pensionato"] == "Pensioni e domande"
    assert descriptions["indebiti"] == "Somme da restituire (indebiti)"
