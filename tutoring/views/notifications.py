"""The inbox: a user's notifications, unread or all, by kind; marking them read; the bell."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import letters, notifications
from ..filters import NotificationFilter
from ..forms import EmailSettingsForm
from ..forms_organizations import RUSSIAN_TIMEZONES
from ..refusals import attempt
from ..words import plural
from . import paginate

# htmx's status for "stop polling" (hx-trigger="every ...").
STOP_POLLING = 286
TABS = {"unread": "Непрочитанные", "all": "Все"}


@login_required
@require_GET
def notification_list(request):
    tab = request.GET.get("show") if request.GET.get("show") in TABS else "unread"
    queryset = notifications.inbox(request.user)
    if tab == "unread":
        queryset = queryset.unread()
    filterset = NotificationFilter(request.GET, queryset=queryset)
    return render(
        request,
        "notifications/notification_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "tab": tab,
            "tabs": TABS,
            "kind": filterset.form["kind"].value() or "",
            "unread_notifications": notifications.bell_count(request.user),
        },
    )


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(notifications.inbox(request.user), pk=pk)
    notifications.mark_read(request.user, [notification.pk])
    if request.headers.get("HX-Request"):
        notification.refresh_from_db()
        return render(
            request,
            "notifications/partials/read.html",
            {
                "notification": notification,
                "unread_notifications": notifications.unread_count(request.user),
            },
        )
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request):
    count = notifications.mark_all_read(request.user)
    if count:
        marked = plural(
            count, "уведомление отмечено", "уведомления отмечены", "уведомлений отмечено"
        )
        messages.success(request, f"{marked} прочитанными.")
    return redirect(_back(request))


@login_required
@require_GET
def notification_open(request, pk):
    """The item's link: opening it is reading it. Only the recipient gets here; any other
    user, whoever they are, gets a 404, so that nobody learns whose notifications exist."""
    notification = get_object_or_404(notifications.inbox(request.user), pk=pk)
    notifications.mark_read(request.user, [notification.pk])
    # The link was checked to be a local path when written; checked again for what the
    # database may hold from elsewhere (an admin's edit).
    if notification.link and notifications.is_local_path(notification.link):
        return redirect(notification.link)
    return redirect("notification_list")


@require_GET
@never_cache
def notification_bell(request):
    """The badge alone, polled by htmx every minute from every page."""
    if not request.user.is_authenticated:
        # Signed out in another tab, or the session expired: a redirect to the login page
        # would put that page inside the bar; 286 tells htmx to stop polling instead.
        return HttpResponse(status=STOP_POLLING)
    return render(
        request,
        "notifications/partials/bell.html",
        {"bell_count": notifications.bell_count(request.user)},
    )


def _back(request) -> str:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return back
    return "notification_list"


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request):
    """«Уведомления по почте»: for each kind, «сразу», «раз в день» or «не присылать», and the
    time of the daily digest."""
    form = EmailSettingsForm(
        request.POST or None,
        choices=notifications.email_choices(request.user),
        digest_time=letters.digest_time_of(request.user),
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            letters.email_settings_update,
            form=form,
            choices=form.kind_values(),
            digest_time=form.cleaned_data["digest_time"],
            success=lambda changed: (
                "Настройки писем сохранены." if changed else "Настройки писем не изменились."
            ),
        )
        if done:
            return redirect("email_settings")
    zone = letters.user_zone(request.user).key
    return render(
        request,
        "notifications/email_settings.html",
        # A person knows their zone by a city, not by its IANA key.
        {"form": form, "zone": dict(RUSSIAN_TIMEZONES).get(zone, zone)},
    )


# A letter's link is opened without signing in, and a mail client's one-click unsubscribe
# (RFC 8058) posts with no cookie and no CSRF token: the signature is the permission, and it
# can only switch its own kinds off.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def email_unsubscribe(request, token):
    target = letters.unsubscribe_target(token)
    if target is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "GET":
        # A GET only asks: mail scanners open links in letters, they must not unsubscribe.
        return render(request, "notifications/unsubscribe.html", {"target": target})
    letters.email_unsubscribe(target=target)
    if request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse("Письма этого вида больше не придут.", content_type="text/plain")
    return render(request, "notifications/unsubscribe_done.html", {"target": target})
