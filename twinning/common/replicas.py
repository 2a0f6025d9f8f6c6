"""Reads from a PostgreSQL read replica, when one is configured (``DATABASE_REPLICA_URL``).

Without a replica nothing here is installed (settings adds the router and the middleware only then).
With one, the rule is: **everything uses the primary unless a request has shown it may read from the
replica.** Only `ReplicaMiddleware` opens that door, and only for a GET or HEAD request from a
browser that has not written lately. So background jobs, management commands, the shell and every
POST read from the primary without any code of theirs knowing about replicas.

Inside a request that may use the replica, reads go back to the primary:

- inside a transaction (``transaction.atomic`` on the primary: a read there may lead to a write,
  and must see the rows it will lock or change);
- from the first write of the request on (the rest of the page shows what it just wrote).

A request that wrote anything (an INSERT, UPDATE or DELETE, or a ``SELECT … FOR UPDATE``, seen by
an execute wrapper on the primary's connection) pins its browser to the primary for
``DATABASE_REPLICA_PIN_SECONDS``, with a signed cookie: a teacher who has just posted sees her post
on the next page even while the replica is behind. Set the pin a few seconds longer than the
replica's usual lag (``pg_stat_replication.replay_lag``). Sessions are always read from the primary
(one indexed row a request): the session is saved after this middleware has answered, so keeping a
session alive pins nobody, and no page acts on an older copy of it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "twinning_primary"
PRIMARY_ONLY_APPS = frozenset({"sessions"})
_PIN_SALT = "twinning.common.replicas.pin"
# Statements that change rows (or lock them before changing them).
_WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE")


@dataclass
class _Request:
    may_use_replica: bool
    wrote: bool = False


# None outside a request handled by the middleware: then every read goes to the primary.
_current: ContextVar[_Request | None] = ContextVar("twinning_replica_request", default=None)


def configured() -> bool:
    """Whether a replica alias is set up (``DATABASE_REPLICA_URL``)."""
    return REPLICA in connections.settings


def _is_write(sql: str) -> bool:
    head = sql.lstrip().upper()
    return head.startswith(_WRITES) or (head.startswith(("SELECT", "WITH")) and " FOR UPDATE" in head)


def reading_from_replica() -> bool:
    """Whether a read made now goes to the replica."""
    state = _current.get()
    if state is None or not state.may_use_replica or state.wrote or not configured():
        return False
    return not connections[PRIMARY].in_atomic_block


class ReplicaRouter:
    """Writes, migrations and transactions on the primary; reads on the replica when allowed."""

    def db_for_read(self, model, **hints) -> str:
        # Sessions always from the primary: a session is saved after this middleware has answered
        # (so saving one pins nobody), and a page must never act on an older copy of it (a second
        # step just passed, a sign-out).
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return REPLICA if reading_from_replica() else PRIMARY

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the primary's rows: an object read from one may point to one read from the other.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        # The replica follows the primary's tables through replication; it is never migrated itself.
        return db == PRIMARY


def pin_seconds() -> int:
    return int(getattr(settings, "DATABASE_REPLICA_PIN_SECONDS", 10))


def pinned(request) -> bool:
    """Whether this browser wrote within the last ``DATABASE_REPLICA_PIN_SECONDS``."""
    try:
        request.get_signed_cookie(PIN_COOKIE, salt=_PIN_SALT, max_age=pin_seconds())
    except (KeyError, signing.BadSignature):
        return False
    return True


class ReplicaMiddleware:
    """Lets a GET or HEAD from a browser that has not written lately read from the replica, and
    pins a browser whose request wrote to the primary for a while (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        state = _Request(may_use_replica=request.method in ("GET", "HEAD") and not pinned(request))
        token = _current.set(state)

        def watch(execute, sql, params, many, context):
            if not state.wrote and _is_write(sql):
                state.wrote = True
            return execute(sql, params, many, context)

        try:
            with connections[PRIMARY].execute_wrapper(watch):
                response = self.get_response(request)
        finally:
            _current.reset(token)
        if state.wrote:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=_PIN_SALT,
                max_age=pin_seconds(),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
