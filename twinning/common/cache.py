"""A Redis cache that is an optimisation, never a dependency.

When Redis cannot be reached, every call answers as a cache miss would (reads find nothing, writes
are dropped) instead of raising, so pages still work, only slower. After a failure the cache is
left alone for `RETRY_AFTER` seconds, so an outage costs one short time-out, not one per call;
one warning is logged per outage. Nothing that must not be lost is kept here: sessions live in the
database, and the queue is a database table.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("twinning.cache")

RETRY_AFTER = 5.0

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a locked dependency
    RedisError = OSError  # type: ignore[misc,assignment]

FAILURES = (RedisError, OSError)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, error: Exception) -> None:
        with self._lock:
            was_up = self.available
            self._down_until = time.monotonic() + RETRY_AFTER
        if was_up:
            logger.warning("The cache is unreachable; pages carry on without it: %s", error)

    def _try(self, call, default, *args, **kwargs):
        if not self.available:
            return default
        try:
            return call(*args, **kwargs)
        except FAILURES as error:
            self._failed(error)
            return default

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._try(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._try(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._try(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._try(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._try(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError, as with every Django cache; an outage counts nothing.
        return self._try(super().incr, delta, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(super().set_many, [], data, timeout, version)

    def delete_many(self, keys, version=None):
        self._try(super().delete_many, None, keys, version)

    def clear(self):
        return self._try(super().clear, False)

    def ping(self) -> bool:
        """Whether Redis answers now (for the readiness page); never raises."""
        try:
            self._cache.get_client().ping()
        except FAILURES as error:
            self._failed(error)
            return False
        with self._lock:
            self._down_until = 0.0
        return True
