"""Reads of staff training used by the other apps."""

from django.contrib.auth.models import User

from sedi.models import ServiceLine


def operator_is_qualified(*, user: User, line: ServiceLine) -> bool:
    """Return whether ``user`` is trained to serve ``line`` at a counter.

    The guideline asks that operators be trained for the counters they
    serve. Training records arrive with the training plans of this app;
    until a branch keeps them, every operator counts as trained.
    """
    return True
