import datetime

from django.utils import translation

from frontoffice.common.dates import long_date


def test_long_date_is_lowercase_in_italian():
    with translation.override("it"):
        assert long_date(datetime.date(2026, 10, 4)) == "4 ottobre 2026"


def test_long_date_keeps_english_month_capitals():
    with translation.override("en"):
        assert long_date(datetime.date(2026, 10, 4)) == "4 October 2026"


def test_long_date_of_nothing_is_empty():
    assert long_date(None) == ""
