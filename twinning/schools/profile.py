"""How complete a teacher's profile is: the checklist on their dashboard."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from twinning.schools.models import TeacherProfile


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    url: str


def teacher_checklist(teacher: TeacherProfile) -> dict:
    user = teacher.user
    profile_url = reverse("accounts:profile")
    steps = [
        Step(_("Confirm your e-mail address"), user.email_confirmed, ""),
        Step(_("Say which subjects you teach"), teacher.subjects.exists(), profile_url),
        Step(_("Say which languages you can work in"), teacher.languages.exists(), profile_url),
        Step(_("Set your time zone"), user.time_zone != "UTC", profile_url),
        Step(_("Write a few lines about yourself and your classes"), bool(teacher.bio.strip()), profile_url),
    ]
    done = sum(step.done for step in steps)
    return {"steps": steps, "done": done, "total": len(steps), "percent": round(100 * done / len(steps))}
