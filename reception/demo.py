"""Demo forms catalogue (modulistica) for the reception."""

from django.db import transaction

from reception.models import Form
from sedi.demo import supervisor_group_grant
from sedi.models import ServiceLine

PENSIONER = "assicurato-pensionato"
FORMS = [
    ("detrazioni-imposta", "Dichiarazione per le detrazioni d'imposta", PENSIONER),
    ("delega-riscossione", "Delega alla riscossione della pensione", PENSIONER),
    ("variazione-pagamento", "Variazione dell'ufficio pagatore", PENSIONER),
    ("modello-as1", "Modello AS1", "sostegno-reddito"),
    ("durc-cartaceo", "Richiesta di DURC cartaceo", "soggetto-contribuente"),
    ("reclamo", "Modulo di reclamo", None),
]


# The floor supervisor keeps the forms catalogue; the register is read.
SUPERVISOR_PERMISSIONS = [
    "view_form",
    "add_form",
    "change_form",
    "view_protocolentry",
    "view_arrival",
    "view_reasonsynonym",
    "add_reasonsynonym",
    "change_reasonsynonym",
    "delete_reasonsynonym",
    "view_unmatchedsearch",
    "delete_unmatchedsearch",
]


@transaction.atomic
def seed(*, password: str | None = None) -> None:
    """Create the demo forms if missing (called by ``manage.py seed_demo``)."""
    supervisor_group_grant(app_label="reception", codenames=SUPERVISOR_PERMISSIONS)
    lines = {line.code: line for line in ServiceLine.objects.all()}
    have = set(Form.objects.values_list("code", flat=True))
    for code, title, line_code in FORMS:
        if code not in have:
            Form.objects.create(
                code=code, title=title, line=lines.get(line_code) if line_code else None
            )
