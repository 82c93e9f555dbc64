import factory
from django.contrib.auth import get_user_model

from sedi.models import Branch, BranchLine, Region, ServiceLine, StaffRole


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"regione-{n}")
    name = factory.Sequence(lambda n: f"Regione {n}")


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        skip_postgeneration_save = True

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"sede-{n}")
    name = factory.Sequence(lambda n: f"Sede {n}")
    kind = Branch.Kind.COMPLEX_AGENCY
    province = "RM"
    patron_day_month = 6
    patron_day_day = 29
    has_specialist_hubs = False

    @factory.post_generation
    def line_codes(obj: Branch, create: bool, extracted: list[str] | None, **kwargs):
        """Open the given lines (codes) at the branch, with no period."""
        if not create or not extracted:
            return
        for line in ServiceLine.objects.filter(code__in=extracted):
            BranchLine.objects.create(branch=obj, line=line)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"utente-{n}")
    first_name = "Mario"
    last_name = "Rossi"
    password = factory.django.Password("password-di-prova")


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    role = StaffRole.Role.RECEPTION
    branch = factory.SubFactory(BranchFactory)
    region = None
