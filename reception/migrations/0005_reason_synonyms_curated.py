"""The curated synonyms of the intake search: what citizens say, mapped to
the catalogue's activities. Kept in the admin afterwards; loading twice
changes nothing."""

from django.db import migrations

# (term, activity codes, line code or "" for every line)
SYNONYMS = [
    ("pensione", "duplicato-libretto-pensione, revoche-deleghe, deleghe-riscossione, "
     "variazione-ufficio-pagatore, detrazioni-imposta, duplicato-cud-obism", ""),
    ("pensioni", "duplicato-libretto-pensione, revoche-deleghe, deleghe-riscossione, "
     "variazione-ufficio-pagatore", ""),
    ("cedolino", "duplicato-cud-obism, variazione-ufficio-pagatore", ""),
    ("isee", "dichiarazioni-autocertificazioni, stato-pratiche", ""),
    ("dsu", "dichiarazioni-autocertificazioni, stato-pratiche", ""),
    ("naspi", "dichiarazioni-autocertificazioni, stato-pratiche, duplicato-cud",
     "sostegno-reddito"),
    ("disoccupazione", "dichiarazioni-autocertificazioni, stato-pratiche",
     "sostegno-reddito"),
    ("dis coll", "dichiarazioni-autocertificazioni, stato-pratiche",
     "sostegno-reddito"),
    ("cassa integrazione", "stato-pratiche, duplicato-cud", "sostegno-reddito"),
    ("cig", "stato-pratiche, duplicato-cud", "sostegno-reddito"),
    ("maternita", "dichiarazioni-autocertificazioni, stato-pratiche",
     "sostegno-reddito"),
    ("malattia", "giustificazione-assenze-visite", "sostegno-reddito"),
    ("assegno unico", "dichiarazioni-autocertificazioni, stato-pratiche",
     "sostegno-reddito"),
    ("assegni familiari", "dichiarazioni-autocertificazioni, stato-pratiche",
     "sostegno-reddito"),
    ("estratto conto", "estratto-contributivo", ""),
    ("contributi", "estratto-contributivo, moduli-versamenti", ""),
    ("certificazione unica", "duplicato-cud-obism, duplicato-cud", ""),
    ("cu", "duplicato-cud-obism, duplicato-cud", ""),
    ("730", "detrazioni-imposta, duplicato-cud-obism", ""),
    ("invalidita", "verbali-invalidita, visita-medica", ""),
    ("legge 104", "verbali-invalidita, visita-medica", ""),
    ("accompagnamento", "verbali-invalidita, visita-medica", ""),
    ("spid", "pin-cittadino", ""),
    ("password", "pin-cittadino", ""),
    ("f24", "codeline-f24", ""),
    ("colf", "moduli-versamenti", ""),
    ("badante", "moduli-versamenti", ""),
    ("mav", "moduli-versamenti", ""),
    ("residenza", "variazioni-anagrafiche, variazione-indirizzo-autonomi", ""),
    ("cambio indirizzo", "variazioni-anagrafiche, variazione-indirizzo-autonomi",
     ""),
    ("iban", "variazione-ufficio-pagatore", ""),
    ("morte", "eliminazione-decesso", ""),
    ("patronato", "revoche-deleghe", ""),
    ("appuntamento", "attivazione-agenda", ""),
    ("rimborso", "istanza-rimborso", ""),
]  # fmt: skip


def load(apps, schema_editor):
    synonym_model = apps.get_model("reception", "ReasonSynonym")
    line_model = apps.get_model("sedi", "ServiceLine")
    for term, codes, line_code in SYNONYMS:
        line = line_model.objects.filter(code=line_code).first() if line_code else None
        synonym_model.objects.get_or_create(
            term=term, defaults={"service_codes": codes, "line": line}
        )


def unload(apps, schema_editor):
    synonym_model = apps.get_model("reception", "ReasonSynonym")
    synonym_model.objects.filter(term__in=[term for term, _, _ in SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reception", "0004_reason_synonyms"),
        ("sedi", "0002_catalogue"),
    ]

    operations = [migrations.RunPython(load, unload)]
