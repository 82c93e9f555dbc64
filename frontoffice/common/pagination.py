from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``{count, next, previous, results}`` pages; ``page_size`` up to 500."""

    page_size_query_param = "page_size"
    max_page_size = 500


PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="Numero di pagina (da 1)."),
    OpenApiParameter(
        "page_size", int, description="Righe per pagina (al massimo 500)."
    ),
]


def paginated(serializer: serializers.Serializer, *, name: str) -> Any:
    """Return the schema of a page of ``serializer`` rows, named ``name``."""
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer,
        },
    )


def list_or_page(serializer: type[serializers.Serializer], *, name: str) -> Any:
    """Return the schema of a list that becomes a page when one is asked for.

    Some reports answer their whole list, as they always did, and a page
    (``{count, next, previous, results}``) with ``page`` or ``page_size``.
    """
    return PolymorphicProxySerializer(
        component_name=name,
        serializers=[
            serializer(many=True),
            paginated(serializer(many=True), name=f"Paginated{name}"),
        ],
        resource_type_field_name=None,
        many=False,
    )
