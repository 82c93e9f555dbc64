"""Hall displays and virtual tickets retired when what they name changes.

Ticket events and counter changes retire their branch's public answers in
the services that make them. The set-up those answers also show (a branch's
name, its lines, a line's name, letter and catalogue, a counter's name) is
changed from the admin: these receivers retire the answers of every branch
concerned, so a display never shows a renamed line for the hour its answer
may otherwise be kept. The catalogue sync writes in bulk, without signals,
and retires them itself (``sedi.services.catalogue_sync``).
"""

from typing import Any

from django.db.models.signals import post_delete, post_save

from frontoffice.common import public_cache


def _branches_with_line(line_id: int) -> list[int]:
    from sedi.models import BranchLine

    return list(
        BranchLine.objects.filter(line_id=line_id)
        .values_list("branch_id", flat=True)
        .distinct()
    )


def _branch_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    public_cache.bump(instance.pk)


def _branch_row_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    """A row of one branch (its line, its counter)."""
    public_cache.bump(instance.branch_id)


def _line_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    public_cache.bump(*_branches_with_line(instance.pk))


def _service_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    public_cache.bump(*_branches_with_line(instance.line_id))


def connect_signals() -> None:
    from sedi.models import Branch, BranchLine, Service, ServiceLine
    from sportelli.models import Counter

    receivers = (
        (Branch, _branch_changed),
        (BranchLine, _branch_row_changed),
        (Counter, _branch_row_changed),
        (ServiceLine, _line_changed),
        (Service, _service_changed),
    )
    for model, receiver in receivers:
        uid = f"sportelli.public.{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + ".delete")
