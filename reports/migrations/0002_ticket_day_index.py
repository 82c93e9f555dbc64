"""An index on the tickets of a day, for the live part of the reports.

The live figures (today, and any day not closed yet) group a day's tickets
of a region; the existing ticket indexes start with the branch and the line,
so a day's tickets were found by reading the whole index. The index is on
``sportelli_ticket`` but created here, with the reports that need it, so
that it does not step on the counters' migrations.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS ticket_report_day_idx "
    "ON sportelli_ticket (issued_on, branch_id)"
)
DROP = "DROP INDEX IF EXISTS ticket_report_day_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_summaries"),
        ("sportelli", "0001_initial"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
