"""The municipality's and the region's figures, kept in the cache between requests.

At the scale of a region a school's page would otherwise add up the whole region's task
scores on every request (seconds, at 4 million scores a year), although they change only when
results are loaded. Inside `results_cache()` the decorated functions of `analysis` keep what
they computed for a municipality or the region under a key made of their arguments and the
version of the loaded results: the number of result sets, the last one's id and the latest
load. Any load, replacement or removal changes the version, so nothing needs invalidating;
a school's own figures, cheap to count, are never cached. The ЕГЭ minimum scores, which the
figures read live, are part of the version too: a random stamp that every change of a minimum
drops on commit (a lost stamp only means counting afresh). Outside the context (services,
tests of the indicators) everything is counted afresh."""

import functools
import hashlib
import secrets
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, QuerySet

from .models import ResultSet

TIMEOUT = 7 * 24 * 3600
MINIMUMS_KEY = "monitoring:minimums:stamp"
_version: ContextVar[str | None] = ContextVar("results_version", default=None)


def results_version() -> str:
    stamp = ResultSet.objects.aggregate(count=Count("pk"), last=Max("pk"), at=Max("loaded_at"))
    at = stamp["at"].isoformat() if stamp["at"] else ""
    minimums = cache.get_or_set(MINIMUMS_KEY, lambda: secrets.token_hex(8), None)
    return f"{stamp['count']}-{stamp['last']}-{at}-{minimums}"


def minimums_changed() -> None:
    """Call inside the transaction that changes a minimum score: the cached figures that read
    it are not used after the commit."""
    transaction.on_commit(lambda: cache.delete(MINIMUMS_KEY))


@contextmanager
def results_cache():
    """Within it, figures above a school come from the cache when the results are unchanged."""
    token = _version.set(results_version())
    try:
        yield
    finally:
        _version.reset(token)


def _ids(value) -> list | None:
    """Sorted ids of a list of objects or ids; None when there is nothing to key on cheaply."""
    if value is None:
        return []
    if isinstance(value, QuerySet) or not isinstance(value, list | tuple | set | frozenset):
        return None
    return sorted(getattr(item, "pk", item) for item in value)


def cached(function):
    """Caches `function(assessments, *, level=…, schools=…, municipalities=…, region=…)` for
    a level above the school, or (with no level) always, inside `results_cache()`."""

    @functools.wraps(function)
    def wrapper(assessments, **kwargs):
        version = _version.get()
        level = kwargs.get("level")
        if version is None or str(level) == "school" or "boundaries" in kwargs:
            return function(assessments, **kwargs)
        parts = [_ids(assessments), _ids(kwargs.get("schools")), _ids(kwargs.get("municipalities"))]
        if any(part is None for part in parts):
            return function(assessments, **kwargs)
        # The region is part of the key: one installation may serve several regions.
        region = kwargs.get("region")
        raw = repr((function.__qualname__, str(level), parts, region, version))
        key = "monitoring:figures:" + hashlib.sha256(raw.encode()).hexdigest()
        found = cache.get(key)
        if found is None:
            found = function(assessments, **kwargs)
            cache.set(key, found, TIMEOUT)
        return found

    return wrapper
