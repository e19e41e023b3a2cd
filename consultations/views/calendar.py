from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require

from .. import selectors
from ..calendar import calendar_bytes
from ..models import CalendarFeed, Session
from ..services import calendar as services

# A feed covers the recent past and the coming half-year: enough for any calendar, and a
# bounded amount of work for a request that needs no login.
FEED_PAST = timedelta(days=31)
FEED_FUTURE = timedelta(days=183)


@login_required
def calendar_page(request):
    require(bool(access_for(request.user).roles))
    feed = services.calendar_feed(request.user)
    url = request.build_absolute_uri(reverse("consultations:calendar_feed", args=[feed.token]))
    return render(request, "consultations/calendar.html", {"feed_url": url})


@require_POST
@login_required
def calendar_reset(request):
    services.calendar_feed_reset(actor=request.user)
    messages.success(request, "Адрес календаря заменён; старый больше не работает.")
    return redirect("consultations:calendar")


def calendar_feed(request, token):
    """The .ics of the user whose secret this is: their sessions, as the portal shows them,
    and the events they registered for or run."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        return HttpResponse(status=404)
    now = timezone.now()
    access = access_for(feed.user)
    sessions = list(
        selectors.sessions_for(access)
        .filter(starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_FUTURE)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("request__organization", "point__organization", "municipality__issuer")
        .order_by("starts_at")
    )
    events = (
        selectors.feed_events(feed.user)
        .select_related("municipality__issuer")
        .filter(starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_FUTURE)
        .order_by("starts_at", "pk")
    )
    body = calendar_bytes(
        sessions,
        name="Занятия и мероприятия сообщества тьюторов",
        events=events,
        joinable=selectors.joining(access, sessions),
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
