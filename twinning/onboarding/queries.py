"""Reads of onboarding: an importer's imports and an import's invitations."""

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from twinning.onboarding import rules
from twinning.onboarding.models import ImportFile, Invitation

# The orders the two lists page by key in (`common.keyset`): the imports newest first (an NSO's few hundred over the
# years), and an import's invitations in the order of the file (a country's list of teachers: thousands), by id within
# the import through the index on (source, …) and the primary key.
IMPORT_KEYS = ("-created_at", "-pk")
INVITATION_KEYS = ("pk",)


def imports_for_importer(user) -> QuerySet[ImportFile]:
    return rules.imports_for(user).select_related("nso", "programme", "by").order_by(*IMPORT_KEYS)


def invitations_for_import(import_file: ImportFile, *, state: str = "") -> QuerySet[Invitation]:
    """The import's invitations with their teacher and school (`school_name`), optionally of one state."""
    now = timezone.now()
    found = (
        Invitation.objects.filter(source=import_file)
        .select_related("user")
        .annotate(school_name=F("user__teacher__school__name"))
        .order_by(*INVITATION_KEYS)
    )
    if state == Invitation.State.ACCEPTED:
        return found.filter(accepted_at__isnull=False)
    if state == Invitation.State.EXPIRED:
        return found.filter(accepted_at__isnull=True, expires_at__lte=now)
    if state == Invitation.State.SENT:
        return found.filter(accepted_at__isnull=True, expires_at__gt=now, sent_at__isnull=False)
    if state == Invitation.State.WAITING:
        return found.filter(accepted_at__isnull=True, expires_at__gt=now, sent_at__isnull=True)
    return found


def invitation_counts(import_file: ImportFile) -> dict[str, int]:
    now = timezone.now()
    open_ = Q(accepted_at__isnull=True, expires_at__gt=now)
    return Invitation.objects.filter(source=import_file).aggregate(
        waiting=Count("pk", filter=open_ & Q(sent_at__isnull=True)),
        sent=Count("pk", filter=open_ & Q(sent_at__isnull=False)),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        expired=Count("pk", filter=Q(accepted_at__isnull=True, expires_at__lte=now)),
    )
