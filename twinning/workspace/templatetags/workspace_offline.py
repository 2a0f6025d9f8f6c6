"""The twinning's key pages the service worker fetches ahead of time, to read offline."""

from django import template

from twinning.common.addresses import address
from twinning.common.prepared import PreparedRead
from twinning.workspace import queries

register = template.Library()

# The latest threads kept ahead of time: a weak connection pays for each one.
PREFETCHED_THREADS = 5
# Read on every workspace page: compiled once (common.prepared), run with the twinning's id.
_LATEST_THREADS = PreparedRead(lambda pk: queries.threads_of(pk).values_list("pk")[:PREFETCHED_THREADS])


@register.simple_tag
def offline_prefetch(twinning) -> str:
    """Space-separated addresses: the feed, the forum and its latest threads, the plan, the pages and
    the meeting times. Only the addresses: the service worker fetches each as the reader, so the
    server's access rules decide what it gets."""
    pk = twinning.pk
    forum = address("workspace:forum", pk)
    urls = [
        address("workspace:home", pk),
        forum,
        *(address("workspace:thread", pk, thread) for thread in _LATEST_THREADS.flat(pk)),
        address("workspace:plan", pk),
        address("workspace:pages", pk),
        address("meetings:twinning", pk),
    ]
    return " ".join(urls)
