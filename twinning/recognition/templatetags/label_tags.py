"""Labels shown where people look for them: on a teacher's profile and on a school's page."""

from django import template

from twinning.recognition import queries

register = template.Library()


@register.inclusion_tag("recognition/_labels.html")
def teacher_labels(user):
    return {"labels": queries.labels_of_teacher(user), "show_school": True}


@register.inclusion_tag("recognition/_labels.html")
def school_labels(school, show_teacher=True):
    """`show_teacher` is off for readers who see no list of teachers (pupils)."""
    return {"labels": queries.labels_of_school(school), "show_teacher": show_teacher}
