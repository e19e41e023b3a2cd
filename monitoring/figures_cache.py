"""The municipality's and the region's figures, kept in the cache between requests.

A school's page shows its works beside the municipality and the region. Those figures add up
the figures each school's results keep since they were loaded (`summaries`), and change only
when a work's results are loaded again. Inside `results_cache()` the decorated functions of
`analysis` keep what they computed for a municipality or the region, work by work, under a key
made of their arguments and that work's `results_version`, which every load of the work raises
(`summaries.summarize`). A load of «Математика 8» so leaves «Русский язык 5» warm, and nothing
needs invalidating. A school's own figures, cheap to count, are never cached. The ЕГЭ minimum
scores, which the figures read live, are part of every key: a random stamp that every change of
a minimum drops on commit (a lost stamp only means counting afresh).

A figure missing from the cache is computed once: the first request takes its lock and
computes it, the others wait for the value (and compute it themselves only if the lock goes
away without one, as when the cache is down). Outside the context (services, tests of the
indicators) everything is counted afresh."""

import functools
import hashlib
import secrets
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from tutoring.cache import add_many

from .models import Assessment

TIMEOUT = 7 * 24 * 3600
MINIMUMS_KEY = "monitoring:minimums:stamp"
# How long a figure being computed keeps others waiting for it, at most.
LOCK_SECONDS = 60
WAIT_SECONDS = 15
POLL_SECONDS = 0.05
_versions: ContextVar[tuple[dict[int, int], str] | None] = ContextVar(
    "results_versions", default=None
)


def results_versions() -> tuple[dict[int, int], str]:
    """Each work's results version, and the stamp of the minimum scores: one query over the
    works (a few hundred rows at region scale), whatever their results."""
    minimums = cache.get_or_set(MINIMUMS_KEY, lambda: secrets.token_hex(8), None)
    return dict(Assessment.objects.values_list("pk", "results_version")), minimums


def minimums_changed() -> None:
    """Call inside the transaction that changes a minimum score: the cached figures that read
    it are not used after the commit."""
    transaction.on_commit(lambda: cache.delete(MINIMUMS_KEY))


@contextmanager
def results_cache():
    """Within it, figures above a school come from the cache when the results are unchanged."""
    token = _versions.set(results_versions())
    try:
        yield
    finally:
        _versions.reset(token)


def _ids(value) -> list | None:
    """Sorted ids of a list of objects or ids; None when there is nothing to key on cheaply."""
    if value is None:
        return []
    if isinstance(value, QuerySet) or not isinstance(value, list | tuple | set | frozenset):
        return None
    return sorted(getattr(item, "pk", item) for item in value)


def _work_of(key) -> int:
    """The work a figure belongs to: its key's first part ((work, unit)), or the key itself."""
    return key[0] if isinstance(key, tuple) else key


def _by_work(result: dict, works) -> dict[int, dict]:
    parts = {work: {} for work in works}
    for key, value in result.items():
        parts[_work_of(key)][key] = value
    return parts


def _computed_once(function, works: list[int], kwargs: dict, keys: dict[int, str]) -> dict:
    """The figures of `works`, each computed by one request at a time: those whose lock this
    request takes it computes in one call; for the others it waits until their values appear,
    and computes itself those whose lock is gone without a value."""
    locks = {work: keys[work] + ":computing" for work in works}
    taken = add_many([locks[work] for work in works], 1, LOCK_SECONDS)
    mine = [work for work, took in zip(works, taken, strict=True) if took]
    found = {}
    try:
        if mine:
            found |= _stored(function, mine, kwargs, keys)
    finally:
        cache.delete_many([locks[work] for work in mine])
    waiting = [work for work in works if work not in mine]
    deadline = time.monotonic() + WAIT_SECONDS
    while waiting:
        found |= cache.get_many([keys[work] for work in waiting])
        waiting = [work for work in waiting if keys[work] not in found]
        gone = [work for work in waiting if not cache.has_key(locks[work])]
        if gone or (waiting and time.monotonic() > deadline):
            orphans = waiting if time.monotonic() > deadline else gone
            found |= _stored(function, orphans, kwargs, keys)
            waiting = [work for work in waiting if work not in orphans]
        if waiting:
            time.sleep(POLL_SECONDS)
    return found


def _stored(function, works: list[int], kwargs: dict, keys: dict[int, str]) -> dict:
    parts = _by_work(function(works, **kwargs), works)
    values = {keys[work]: parts[work] for work in works}
    cache.set_many(values, TIMEOUT)
    return values


def cache_key(function, work: int, kwargs: dict, version: int, minimums: str) -> str | None:
    """The key of one work's figures for these arguments; None when they cannot be keyed."""
    parts = [_ids(kwargs.get("schools")), _ids(kwargs.get("municipalities"))]
    if any(part is None for part in parts):
        return None
    # The region is part of the key: one installation may serve several regions.
    name, level, region = function.__qualname__, str(kwargs.get("level")), kwargs.get("region")
    raw = repr((name, level, work, parts, region, version, minimums))
    return "monitoring:figures:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(function):
    """Caches `function(assessments, *, level=…, schools=…, municipalities=…, region=…)` for
    a level above the school, or (with no level) always, inside `results_cache()`: work by
    work, so that the works already counted come from the cache and only the others are
    counted, in one call. The function returns a dict keyed by work or by (work, unit)."""

    @functools.wraps(function)
    def wrapper(assessments, **kwargs):
        state = _versions.get()
        level = kwargs.get("level")
        if state is None or str(level) == "school" or "boundaries" in kwargs:
            return function(assessments, **kwargs)
        works = _ids(assessments)
        if works is None:
            return function(assessments, **kwargs)
        versions, minimums = state
        keys = {}
        for work in works:
            key = cache_key(function, work, kwargs, versions.get(work, 0), minimums)
            if key is None:
                return function(assessments, **kwargs)
            keys[work] = key
        found = cache.get_many(list(keys.values()))
        missing = [work for work, key in keys.items() if key not in found]
        if missing:
            found |= _computed_once(function, missing, kwargs, keys)
        result = {}
        for key in keys.values():
            result.update(found[key])
        return result

    return wrapper
