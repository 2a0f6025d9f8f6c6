"""The twinning's key pages the service worker fetches ahead of time, to read offline."""

from django import template
from django.urls import reverse

from twinning.workspace import queries

register = template.Library()

# The latest threads kept ahead of time: a weak connection pays for each one.
PREFETCHED_THREADS = 5


@register.simple_tag
def offline_prefetch(twinning) -> str:
    """Space-separated addresses: the feed, the forum and its latest threads, the plan, the pages and
    the meeting times. Only the addresses: the service worker fetches each as the reader, so the
    server's access rules decide what it gets."""
    pk = twinning.pk
    threads = queries.threads_of(twinning).values_list("pk", flat=True)[:PREFETCHED_THREADS]
    urls = [
        reverse("workspace:home", args=[pk]),
        reverse("workspace:forum", args=[pk]),
        *(reverse("workspace:thread", kwargs={"pk": pk, "thread_pk": thread}) for thread in threads),
        reverse("workspace:plan", args=[pk]),
        reverse("workspace:pages", args=[pk]),
        reverse("meetings:twinning", args=[pk]),
    ]
    return " ".join(urls)
