from django.urls import path

from .views import calendar, hub, requests, sessions

app_name = "consultations"

urlpatterns: list = [
    path("", hub.index, name="index"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/reset/", calendar.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    # Requests.
    path("requests/", requests.request_list, name="request_list"),
    path("requests/new/", requests.request_create, name="request_create"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", requests.request_update, name="request_update"),
    path("requests/<int:pk>/withdraw/", requests.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/accept/", requests.request_accept, name="request_accept"),
    path("requests/<int:pk>/reject/", requests.request_reject, name="request_reject"),
    path("requests/<int:pk>/cancel/", requests.request_cancel, name="request_cancel"),
    path("requests/<int:pk>/rate/", sessions.request_rate, name="request_rate"),
    # Sessions: the agenda, the session and its report.
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/report/", sessions.report_create, name="report_create"),
    path("sessions/<int:pk>/materials/", sessions.report_materials, name="report_materials"),
    # Consultation points, rooms and availability.
    # Matching and booking.
]
