"""Template tags of the hall: where the floor supervisor's dashboards are."""

from typing import Any

from django import template

from sala.views import PAGE_ROLES
from sedi.models import Branch
from sedi.selectors import branch_list

register = template.Library()


@register.simple_tag(takes_context=True)
def hall_branches(context: dict[str, Any]) -> list[Branch]:
    """Return the branches whose hall dashboard the page's user may open."""
    request = context.get("request")
    if request is None:
        return []
    return list(branch_list(user=request.user, roles=PAGE_ROLES)[:20])
