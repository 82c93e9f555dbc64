"""The intake search finds what citizens say: synonyms, accents, typos; and
what found nothing is counted for reception to extend the list."""

import importlib

import pytest
from django.apps import apps as django_apps

from reception import search
from reception.models import ReasonSynonym, UnmatchedSearch
from reception.selectors import reason_search
from reception.services import unmatched_search_log
from sedi.models import ServiceLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_synonyms():
    """Start from no synonym (the migration's curated list is tested apart)."""
    ReasonSynonym.objects.all().delete()


@pytest.fixture
def synonyms(no_synonyms):
    income = ServiceLine.objects.get(code="sostegno-reddito")
    rows = [
        ("pensione", "duplicato-libretto-pensione, revoche-deleghe", None),
        ("naspi", "stato-pratiche, duplicato-cud", income),
        ("isee", "dichiarazioni-autocertificazioni", None),
        ("estratto conto", "estratto-contributivo", None),
        ("certificazione unica", "duplicato-cud-obism, duplicato-cud", None),
        ("assegno unico", "stato-pratiche", income),
    ]
    for term, codes, line in rows:
        synonym = ReasonSynonym(term=term, service_codes=codes, line=line)
        synonym.full_clean()
        synonym.save()


def names(matches):
    return [m.name for m in matches]


def lines_of(match):
    return [o.line.code for o in match.options]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pensione", ["Revoche e deleghe su pensioni/sindacati/patronati",
                      "Duplicato libretto di pensione"]),
        # A typo finds the same.
        ("pensone", ["Revoche e deleghe su pensioni/sindacati/patronati",
                     "Duplicato libretto di pensione"]),
        ("ISEE", ["Presentazione dichiarazioni/autocertificazioni a vario titolo"]),
        ("estratto conto", ["Rilascio estratti contributivi non certificativi",
                            "Estratto contributivo non certificativo"]),
        ("Certificazione Unica", ["Duplicati CUD/Obis M", "Duplicati CUD"]),
    ],
)  # fmt: skip
def test_synonyms_and_typos_find_the_catalogue(
    branch, morning, synonyms, query, expected
):
    assert names(reason_search(branch=branch, query=query)) == expected


def test_a_synonym_bound_to_a_line_proposes_only_that_line(branch, morning, synonyms):
    matches = reason_search(branch=branch, query="NASpI")

    assert names(matches) == [
        "Informazioni stato di lavorazione delle pratiche",
        "Duplicati CUD",
    ]
    assert lines_of(matches[0]) == ["sostegno-reddito"]
    assert names(reason_search(branch=branch, query="assegno unico")) == [
        "Informazioni stato di lavorazione delle pratiche"
    ]
    # One word of a two-word term is not the term.
    assert reason_search(branch=branch, query="assegno") == []


def test_accents_and_case_do_not_matter(branch, morning, no_synonyms):
    assert names(reason_search(branch=branch, query="INVALIDITÀ")) == [
        "Richiesta di verbali per invalidità civile"
    ]
    assert names(reason_search(branch=branch, query="invalidita")) == [
        "Richiesta di verbali per invalidità civile"
    ]


def test_short_words_are_not_taken_for_typos():
    assert search.word_matches("cud", ["cud"])
    assert not search.word_matches("cu", ["ci"])
    assert search.word_matches("pensone", ["pensione"])
    assert not search.word_matches("penso", ["pensione"])
    assert search.normalise("Pensióne, ISEE!") == "pensione isee"


def test_a_synonym_with_an_unknown_code_is_refused():
    synonym = ReasonSynonym(term="bonus", service_codes="non-esiste, stato-pratiche")

    with pytest.raises(Exception, match="Codici sconosciuti: non-esiste"):
        synonym.full_clean()


def test_the_curated_list_names_only_activities_of_the_catalogue():
    migration = importlib.import_module(
        "reception.migrations.0005_reason_synonyms_curated"
    )
    ReasonSynonym.objects.all().delete()

    migration.load(django_apps, None)
    migration.load(django_apps, None)  # twice: nothing more

    assert ReasonSynonym.objects.count() == len(migration.SYNONYMS)
    for synonym in ReasonSynonym.objects.all():
        synonym.full_clean()  # every code exists (on its line, if bound)


def test_searches_that_find_nothing_are_counted(client, branch, receptionist, morning):
    client.force_login(receptionist)

    for _ in range(2):
        page = client.get("/accoglienza/roma-centro/?q=Bònus  Nido").text
    client.get("/accoglienza/roma-centro/?q=pin")  # found: not counted
    client.get("/accoglienza/roma-centro/?q=zz")  # too short: not counted

    assert "Nessuna attività trovata" in page
    assert list(UnmatchedSearch.objects.values_list("query", "hits")) == [
        ("bonus nido", 2)
    ]


def test_unmatched_log_ignores_what_is_still_being_typed(branch):
    assert unmatched_search_log(branch=branch, query=" a ") is None
    assert UnmatchedSearch.objects.count() == 0
