"""factory_boy factories: a network with the default placemat, people, meetings, tips."""

import uuid
from datetime import timedelta

import factory
from django.utils import timezone

from matrices.models import Domain, Matrix
from networks.models import Membership, Network, Organisation, Role, User
from networks.services import create_network
from sessions.models import CaseDiscussion, Client, DomainGoal, Meeting, Tip

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def preset_matrix(key: str = "akad") -> Matrix:
    return Matrix.objects.get(preset_key=key)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Netwerk {n}")
    district = "Noord"
    preset = factory.LazyFunction(preset_matrix)

    @classmethod
    def _create(cls, model_class, *args, preset, **kwargs):
        """As the app makes a network: on its own copy of a preset (or on a given matrix)."""
        if "matrix" in kwargs:
            return model_class.objects.create(**kwargs)
        return create_network(preset=preset, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    network = factory.SubFactory(NetworkFactory)
    role = Role.MEMBER


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Buurtcentrum {n}")
    kind = "welzijn"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    network = factory.SubFactory(NetworkFactory)
    pseudonym = factory.Sequence(lambda n: f"Merel {n}")
    birth_year = 1981


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    network = factory.SubFactory(NetworkFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
    place = "Huis van de Wijk De Banne"


class CaseDiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseDiscussion

    meeting = factory.SubFactory(MeetingFactory)
    client = factory.SubFactory(ClientFactory, network=factory.SelfAttribute("..meeting.network"))
    question = "Hoe komt zij vaker buiten de deur?"


def mark(case: CaseDiscussion, *keys: str) -> list[DomainGoal]:
    """Mark the given domain keys of the network's ZRM on a case."""
    domain_set_id = case.meeting.network.matrix.domain_set_id
    return [
        DomainGoal.objects.create(
            case=case, domain=Domain.objects.get(domain_set_id=domain_set_id, key=key), goal="doel"
        )
        for key in keys
    ]


class TipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tip

    key = factory.LazyFunction(uuid.uuid4)
    case = factory.SubFactory(CaseDiscussionFactory)
    domain = factory.LazyAttribute(lambda o: o.case.goals.first().domain)
    column = factory.LazyAttribute(lambda o: o.case.meeting.network.matrix.columns.first())
    text = factory.Sequence(lambda n: f"Tip nummer {n}")
    given_by = "Fatima"
