"""The counter lines and their service catalogues, guideline §2.1–2.6.

Codes and ticket letters are the stable ones of the design; activity names
are the guideline's own words (only stray spaces after a slash removed).
The data migration ``0002_catalogue`` loads this list with
:func:`catalogue_load`; a later change to it needs a new migration that
loads it again. ``sedi.services.catalogue_sync`` does the same at run time
(``seed_demo``, and tests whose database was emptied).
"""

from typing import Any, TypedDict

from django.utils.translation import gettext_noop


class LineData(TypedDict):
    code: str
    name: str
    letter: str
    section: str
    kind: str
    services: list[tuple[str, str]]


# §2.1 and §2.6 list the same fifteen activities.
_PENSIONER_SERVICES = [
    ("dichiarazioni-autocertificazioni",
     "Presentazione dichiarazioni/autocertificazioni a vario titolo"),
    ("stato-pratiche", "Informazioni stato di lavorazione delle pratiche"),
    ("estratto-contributivo", "Rilascio estratti contributivi non certificativi"),
    ("variazioni-anagrafiche", "Variazioni anagrafiche e di indirizzo"),
    ("variazione-ufficio-pagatore", "Variazione ufficio pagatore"),
    ("trasferimento-sede", "Trasferimenti ad altra sede"),
    ("revoche-deleghe", "Revoche e deleghe su pensioni/sindacati/patronati"),
    ("deleghe-riscossione", "Deleghe a riscuotere"),
    ("eliminazione-decesso", "Comunicazione per eliminazione da decesso"),
    ("detrazioni-imposta", "Ricezione dichiarazione detrazioni di imposta"),
    ("duplicato-cud-obism", "Duplicati CUD/Obis M"),
    ("duplicato-libretto-pensione", "Duplicato libretto di pensione"),
    ("carta-acquisti", "Carta acquisti"),
    ("pin-cittadino", "Rilascio PIN cittadino"),
    ("attivazione-agenda", "Attivazione Agenda appuntamenti"),
]  # fmt: skip

LINES: list[LineData] = [
    {
        "code": "assicurato-pensionato",
        "name": "Linea Assicurato Pensionato",
        "letter": "A",
        "section": "2.1",
        "kind": "standard",
        "services": _PENSIONER_SERVICES,
    },
    {
        "code": "socio-sanitari",
        "name": "Linea Servizi Socio-Sanitari",
        "letter": "B",
        "section": "2.2",
        "kind": "standard",
        "services": [
            ("dichiarazioni-autocertificazioni",
             "Presentazione dichiarazioni/autocertificazioni a vario titolo"),
            ("stato-pratiche", "Informazioni stato di lavorazione delle pratiche"),
            ("variazioni-anagrafiche", "Variazioni anagrafiche e di indirizzo"),
            ("variazione-ufficio-pagatore", "Variazione ufficio pagatore"),
            ("trasferimento-sede", "Trasferimenti ad altra sede"),
            ("revoche-deleghe", "Revoche e deleghe su pensioni/sindacati/patronati"),
            ("deleghe-riscossione", "Deleghe a riscuotere"),
            ("eliminazione-decesso", "Comunicazione per eliminazione da decesso"),
            ("visita-medica", "Richiesta di assegnazione visita medica"),
            ("verbali-invalidita", "Richiesta di verbali per invalidità civile"),
            ("pin-cittadino", "Rilascio PIN cittadino"),
            ("attivazione-agenda", "Attivazione Agenda Appuntamenti"),
        ],
    },
    {
        "code": "sostegno-reddito",
        "name": "Linea Prestazioni a Sostegno del Reddito",
        "letter": "C",
        "section": "2.3",
        "kind": "standard",
        "services": [
            ("dichiarazioni-autocertificazioni",
             "Presentazione dichiarazioni/autocertificazioni a vario titolo"),
            ("stato-pratiche", "Informazioni stato di lavorazione delle pratiche"),
            ("giustificazione-assenze-visite",
             "Istanze di giustificazione ad assenze di visite mediche"),
            ("modelli-as1", "Consegna modelli AS1"),
            ("duplicato-cud", "Duplicati CUD"),
            ("pin-cittadino", "Rilascio PIN cittadino"),
            ("attivazione-agenda", "Attivazione Agenda appuntamenti"),
        ],
    },
    {
        "code": "soggetto-contribuente",
        "name": "Linea Soggetto Contribuente",
        "letter": "D",
        "section": "2.4",
        "kind": "standard",
        "services": [
            ("estratto-contributivo", "Estratto contributivo non certificativo"),
            ("codeline-f24", "Rilascio code line F24 artigiani e commercianti"),
            ("moduli-versamenti",
             "Rilascio moduli versamenti contributivi (MAV per domestici, etc.)"),
            ("stato-pratiche", "Informazioni stato di lavorazione delle pratiche"),
            ("variazione-indirizzo-autonomi",
             "Variazione indirizzo di residenza per lavoratori autonomi"),
            ("ristampa-durc", "Ristampa duplicato Durc"),
            ("durc-cartaceo", "Richiesta Durc cartaceo"),
            ("pin-cittadino", "Rilascio PIN cittadino"),
            ("pin-aziende", "Rilascio PIN aziende"),
            ("voucher", "Voucher: delega, vendita e consegna"),
            ("istanza-rimborso", "Istanza di rimborso"),
            ("istanze-regolarizzazione", "Istanze di regolarizzazione"),
            ("attivazione-agenda", "Attivazione Agenda appuntamenti"),
        ],
    },
    {
        # §2.5 lists no activities: the line serves the overpayment files
        # of the general directorate, opened in periods of high demand.
        "code": "indebiti",
        "name": "Sportello Indebiti",
        "letter": "E",
        "section": "2.5",
        "kind": "peak",
        "services": [],
    },
    {
        "code": "poli-specialistici",
        "name": "Linea Poli Specialistici/Fondi Speciali",
        "letter": "F",
        "section": "2.6",
        "kind": "specialist",
        "services": _PENSIONER_SERVICES,
    },
]  # fmt: skip


# The kiosk's plain words for each line (admin may change them): what a
# citizen would ask for, not the catalogue's first items. Marked for the
# translation catalogue: the kiosk shows them in the chosen language while
# they are left as they are here.
KIOSK_DESCRIPTIONS: dict[str, str] = {
    "assicurato-pensionato": gettext_noop("Pensioni, deleghe, indirizzo e CUD"),
    "socio-sanitari": gettext_noop("Invalidità civile e visite mediche"),
    "sostegno-reddito": gettext_noop("Disoccupazione, malattia e maternità"),
    "soggetto-contribuente": gettext_noop(
        "Contributi, versamenti e DURC per aziende e autonomi"
    ),
    "indebiti": gettext_noop("Somme da restituire (indebiti)"),
    "poli-specialistici": gettext_noop("Fondi speciali e pensioni di categoria"),
}


def kiosk_descriptions_fill(line_model: Any) -> int:
    """Give each line without a kiosk description the default one.

    A description set in the admin is kept. Return the rows written.
    """
    written = 0
    for code, text in KIOSK_DESCRIPTIONS.items():
        written += line_model.objects.filter(code=code, kiosk_description="").update(
            kiosk_description=text
        )
    return written


def catalogue_load(line_model: Any, service_model: Any) -> int:
    """Write :data:`LINES` with the given models; return the rows written.

    Takes the model classes so that a migration can pass its historical
    models. Only missing or different rows are written: loading twice
    writes nothing the second time.
    """
    written = 0
    for position, data in enumerate(LINES, start=1):
        values = {
            "name": data["name"],
            "letter": data["letter"],
            "section": data["section"],
            "kind": data["kind"],
            "position": position,
        }
        line = line_model.objects.filter(code=data["code"]).first()
        if line is None:
            line = line_model.objects.create(code=data["code"], **values)
            written += 1
        elif any(getattr(line, key) != value for key, value in values.items()):
            line_model.objects.filter(pk=line.pk).update(**values)
            written += 1
        existing = {s.code: s for s in service_model.objects.filter(line=line)}
        for order, (code, name) in enumerate(data["services"], start=1):
            service = existing.get(code)
            if service is None:
                service_model.objects.create(
                    line=line, code=code, name=name, position=order
                )
                written += 1
            elif (service.name, service.position) != (name, order):
                service_model.objects.filter(pk=service.pk).update(
                    name=name, position=order
                )
                written += 1
    return written
