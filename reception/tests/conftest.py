# The branch, the clock and the staff are those of the counters' tests.
from sportelli.tests.conftest import (  # noqa: F401
    MORNING,
    ROME,
    STANDARD_LINES,
    branch,
    morning,
    receptionist,
    supervisor,
)

# A valid codice fiscale (checksum included) of a fictitious person.
FISCAL_CODE = "RSSMRA80A01H501U"
