"""How notifications name a country: stored as its code, shown in the reader's language (the names
are this app's reference data). Registered when the site starts (`CommonConfig.ready` imports every
app's `notifications` module)."""

from twinning.common.notifications import register_param
from twinning.schools.models import Country


def country_names(codes: set[str]) -> dict[str, dict]:
    return dict(Country.objects.filter(code__in=codes).values_list("code", "names"))


register_param("country", country_names)
