"""Who may do what with parents' consent. Anything outside a person's reach is a 404.

Teachers manage the consent of their own school's pupils (validated, still at the school); a family
acts only through its link, which needs no account and is only valid for the form it was made for,
in its school year, until the teacher replaces it.
"""

from django.http import Http404

from twinning.accounts.models import Pupil
from twinning.common.school_year import current_school_year
from twinning.consent.models import ConsentRequest
from twinning.schools.rules import can_seek_partners


def may_manage_consent(user) -> bool:
    """Validated teachers still at their school manage their pupils' consent."""
    return can_seek_partners(user)


def pupils_for_consent(user):
    """The pupils whose families' consent this teacher manages: those of their own school."""
    if not may_manage_consent(user):
        return Pupil.objects.none()
    return Pupil.objects.filter(school_id=user.teacher.school_id).select_related("user", "school")


def get_pupil_for_consent(user, pk: int) -> Pupil:
    pupil = pupils_for_consent(user).filter(pk=pk).first()
    if pupil is None:
        raise Http404
    return pupil


def get_form_for_teacher(user, pk: int) -> ConsentRequest:
    """A consent form (e.g. its scan) of a pupil of the teacher's school."""
    form = ConsentRequest.objects.filter(pk=pk, pupil__in=pupils_for_consent(user)).select_related("pupil").first()
    if form is None:
        raise Http404
    return form


def link_is_valid(form: ConsentRequest) -> bool:
    """A family's link answers and withdraws while it is the pupil's newest form of this school year."""
    return form.link_key is not None and form.replaced_at is None and form.school_year == current_school_year()


def may_ask_for_new_link(form: ConsentRequest) -> bool:
    """A family whose link no longer works may ask the teacher for a new one (once a day is enough)."""
    return not link_is_valid(form) and form.link_key is not None
