"""Communities made for the communities tests."""

from twinning.communities import services
from twinning.communities.models import Community
from twinning.communities.services import About
from twinning.schools.models import Subject


def make(cast, *, name="English teachers of the network", access=Community.Access.OPEN, by=None, **about):
    about.setdefault("subject", Subject.objects.get(pk="english-foreign"))
    return services.create_community(
        by=by or cast.coordinator, about=About(names={"en": name}, access=access, **about), nso=cast.il_nso
    )
