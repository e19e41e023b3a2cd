"""Reads of the library of methodical materials: what a user may see of it, and the search.

(They live apart from `selectors.py` only because the library is a section of its own; the
access rule of the library is `materials_for`, and every library page reads through it.)"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from tutoring.access import Access
from tutoring.models import RoleKind, User

from .models import Material

Status = Material.Status
# The search configuration of PostgreSQL that stems Russian words: «ошибка» finds «ошибки».
SEARCH_CONFIG = "russian"


def materials_for(access: Access) -> QuerySet[Material]:
    """Published materials are read by everyone in their municipality (by a regional
    coordinator, in every one). Drafts, materials on moderation and archived ones are seen
    only by their authors and by the methodists of the municipality, who moderate them."""
    qs = Material.objects.select_related("municipality")
    if access.user_id is None:
        return qs.none()
    if access.everywhere:
        visible = Q(status=Status.PUBLISHED)
    else:
        members = {r.municipality_id for r in access.roles if r.municipality_id}
        visible = Q(municipality__in=members, status=Status.PUBLISHED)
    moderated = {r.municipality_id for r in access.roles_of(RoleKind.METHODIST)}
    if moderated:
        visible |= Q(municipality__in=moderated)
    authored = Material.authors.through.objects.filter(material=OuterRef("pk"), user=access.user_id)
    return qs.filter(visible | Q(Exists(authored)))


def with_people(materials: QuerySet[Material]) -> QuerySet[Material]:
    """What a list or a card of materials shows besides the row: subjects and authors."""
    return materials.prefetch_related(
        "subjects",
        Prefetch("authors", queryset=User.objects.order_by("last_name", "first_name", "pk")),
    )


def newest_first(materials: QuerySet[Material]) -> QuerySet[Material]:
    # Drafts and materials on moderation (not published yet) first: they are what awaits.
    return materials.order_by(
        F("published_at").desc(nulls_first=True), F("created_at").desc(), F("pk").desc()
    )


def search(materials: QuerySet[Material], text: str) -> QuerySet[Material]:
    """Materials matching the words of `text`, best first. On PostgreSQL the words are
    stemmed («ошибка» finds «типичные ошибки»), and quotes, «or» and a leading minus work as
    in a search engine; each row's words are stored (`Material.search_document`, title
    weighing more than the description) and matched through their GIN index. SQLite (the
    demo only) has no stemming: there a material matches when its title or description
    contains the beginning of each word."""
    text = text.strip()
    if not text:
        return materials
    if connection.vendor != "postgresql":
        return materials.filter(_contains_every_word(text))
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    return (
        materials.filter(search_document=query)
        .annotate(rank=SearchRank(F("search_document"), query))
        .order_by("-rank", F("published_at").desc(nulls_first=True), F("pk").desc())
    )


def _contains_every_word(text: str) -> Q:
    q = Q()
    for word in text.split():
        # A crude stem instead of none: most Russian endings are one or two letters, so
        # «ошибка» is looked for as «ошиб» and finds «ошибки».
        stem = word[:-2] if len(word) > 5 else word
        # SQLite folds the case of Latin letters only: Cyrillic is tried in every case.
        variants = {stem, stem.lower(), stem.capitalize(), stem.upper()}
        found = Q()
        for variant in variants:
            found |= Q(title__icontains=variant) | Q(description__icontains=variant)
        q &= found
    return q


def awaiting_moderation(access: Access) -> QuerySet[Material]:
    """Materials sent to the methodists of the user's municipalities."""
    moderated = {r.municipality_id for r in access.roles_of(RoleKind.METHODIST)}
    return materials_for(access).filter(municipality__in=moderated, status=Status.SUBMITTED)
