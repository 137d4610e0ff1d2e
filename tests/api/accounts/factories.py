from __future__ import annotations

import factory

from planner.models.accounts import ApiToken, hash_token, new_token
from tests.factories import UserFactory


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """Pass ``raw=`` to know the secret: ``ApiTokenFactory(user=u, raw=(raw := new_token()))``."""

    class Meta:
        model = ApiToken

    class Params:
        raw = factory.LazyFunction(new_token)

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"script {n}")
    key_hash = factory.LazyAttribute(lambda o: hash_token(o.raw))
    hint = factory.LazyAttribute(lambda o: o.raw[:8])
