"""The Redis cache, whose outage is not the portal's.

Everything the portal keeps in the cache can be counted afresh (the results' figures, an
import's progress) or is a courtesy (the password reset limits), so a Redis that is down or
restarting must make pages slower, never answer 500. Django's Redis backend raises redis-py's
ConnectionError or TimeoutError from every call; this backend treats them as a miss, here in
the one place the cache is reached, instead of a try/except in every caller.

After the first failure the rest of the request (or the task) does without the cache at all:
each call to an absent Redis costs redis-py's retries, and a results page makes dozens. The
failure is logged once per request, as a warning: the broker's health is what /healthz reports.
"""

import logging
from contextvars import ContextVar

from celery.signals import task_prerun
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.core.signals import request_started
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
_unreachable: ContextVar[bool] = ContextVar("cache_unreachable", default=False)


def _work_started(**kwargs) -> None:
    _unreachable.set(False)


request_started.connect(_work_started, dispatch_uid="tutoring.cache.request_started")
task_prerun.connect(_work_started, dispatch_uid="tutoring.cache.task_prerun", weak=False)


def _missing(*args, **kwargs):
    # What Django's own backends raise for incr() of an absent key: callers already handle it.
    raise ValueError("the cache is unreachable")


class OutageTolerantRedisCache(RedisCache):
    def _call(self, method, miss, *args, **kwargs):
        if _unreachable.get():
            return miss(*args, **kwargs)
        try:
            return method(*args, **kwargs)
        except UNREACHABLE as error:
            _unreachable.set(True)
            logger.warning("The cache is unreachable, working without it: %s", error)
            return miss(*args, **kwargs)

    def get(self, key, default=None, version=None):
        return self._call(super().get, lambda *a, **k: default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, lambda *a, **k: {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, lambda *a, **k: False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, lambda *a, **k: False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, lambda *a, **k: None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, lambda *a, **k: list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, lambda *a, **k: False, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        return self._call(super().incr, _missing, key, delta, version)

    def delete(self, key, version=None):
        return self._call(super().delete, lambda *a, **k: False, key, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, lambda *a, **k: None, keys, version)

    def clear(self):
        return self._call(super().clear, lambda *a, **k: False)

    def add_many(self, keys, value, timeout=DEFAULT_TIMEOUT, version=None) -> list[bool]:
        """`add` of each key, in one round trip (a pipeline of SET NX): whether each was
        added. The locks of a results page's figures are one a work, some seventy on a cold
        school page, and each `add` waits for Redis on its own."""

        def added(keys, value, timeout, version):
            pipeline = self._cache.get_client(None, write=True).pipeline(transaction=False)
            dumped = self._cache._serializer.dumps(value)
            seconds = self.get_backend_timeout(timeout)
            for key in keys:
                key = self.make_and_validate_key(key, version=version)
                pipeline.set(key, dumped, nx=True, ex=seconds)
            return [bool(done) for done in pipeline.execute()]

        return self._call(added, lambda *a, **k: [False] * len(keys), keys, value, timeout, version)


def add_many(keys: list[str], value, timeout=DEFAULT_TIMEOUT) -> list[bool]:
    """`OutageTolerantRedisCache.add_many` where the cache is Redis; key by key elsewhere (the
    demo's and the tests' local memory)."""
    from django.core.cache import cache

    if hasattr(cache, "add_many"):
        return cache.add_many(keys, value, timeout)
    return [cache.add(key, value, timeout) for key in keys]
