from django.urls import path

from .views import (
    availability,
    booking,
    calendar,
    events,
    hub,
    own,
    points,
    requests,
    schedules,
    sessions,
)

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
    # The point's schedule for a period, approved and printed.
    path("schedules/", schedules.schedule_list, name="schedule_list"),
    path("schedules/new/", schedules.schedule_create, name="schedule_create"),
    path("schedules/<int:pk>/", schedules.schedule_detail, name="schedule_detail"),
    path("schedules/<int:pk>/approve/", schedules.schedule_approve, name="schedule_approve"),
    # Sessions: the agenda, the session and its report.
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/own/new/", own.own_session_create, name="own_session_create"),
    path("sessions/<int:pk>/own-edit/", own.own_session_update, name="own_session_update"),
    path("sessions/<int:pk>/own-cancel/", own.own_session_cancel, name="own_session_cancel"),
    path("series/<int:pk>/", sessions.series_detail, name="series_detail"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/report/", sessions.report_create, name="report_create"),
    path("sessions/<int:pk>/materials/", sessions.report_materials, name="report_materials"),
    # Consultation points, rooms and availability.
    path("points/", points.point_list, name="point_list"),
    path("points/new/", points.point_create, name="point_create"),
    path("points/<int:pk>/", points.point_detail, name="point_detail"),
    path("points/<int:pk>/edit/", points.point_update, name="point_update"),
    path("points/<int:pk>/rooms/new/", points.room_create, name="room_create"),
    path("rooms/<int:pk>/edit/", points.room_update, name="room_update"),
    path("rooms/<int:pk>/delete/", points.room_delete, name="room_delete"),
    path("availability/", availability.availability, name="availability"),
    path("availability/slots/new/", availability.slot_create, name="slot_create"),
    path("availability/slots/<int:pk>/delete/", availability.slot_delete, name="slot_delete"),
    path("availability/exceptions/new/", availability.exception_create, name="exception_create"),
    path(
        "availability/exceptions/<int:pk>/delete/",
        availability.exception_delete,
        name="exception_delete",
    ),
    path(
        "availability/tutors/",
        availability.availability_overview,
        name="availability_overview",
    ),
    # A methodist keeps the hours of the municipality's tutors.
    path("availability/kept/", availability.hours_tutor_list, name="hours_tutor_list"),
    path("availability/kept/<int:pk>/", availability.hours_tutor, name="hours_tutor"),
    path(
        "availability/kept/<int:pk>/slots/new/",
        availability.hours_slot_create,
        name="hours_slot_create",
    ),
    path(
        "availability/kept/<int:pk>/slots/<int:slot_pk>/delete/",
        availability.hours_slot_delete,
        name="hours_slot_delete",
    ),
    path(
        "availability/kept/<int:pk>/exceptions/new/",
        availability.hours_exception_create,
        name="hours_exception_create",
    ),
    path(
        "availability/kept/<int:pk>/exceptions/<int:exception_pk>/delete/",
        availability.hours_exception_delete,
        name="hours_exception_delete",
    ),
    # Matching and booking.
    path("requests/<int:pk>/schedule/", booking.request_schedule, name="request_schedule"),
    path("sessions/<int:pk>/cancel/", booking.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/reschedule/", booking.session_reschedule, name="session_reschedule"),
    path("schedules/build/", booking.schedule_build, name="schedule_build"),
    path("schedules/build/<int:pk>/", booking.schedule_build_detail, name="schedule_build_detail"),
    path(
        "schedules/build/<int:pk>/progress/",
        booking.schedule_build_progress,
        name="schedule_build_progress",
    ),
    # Events of the community and registration for them.
    path("events/", events.event_list, name="event_list"),
    path("events/calendar/", events.event_calendar, name="event_calendar"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", events.event_update, name="event_update"),
    path("events/<int:pk>/publish/", events.event_publish, name="event_publish"),
    path("events/<int:pk>/cancel/", events.event_cancel, name="event_cancel"),
    path("events/<int:pk>/register/", events.registration_create, name="event_register"),
    path("events/<int:pk>/unregister/", events.registration_cancel, name="event_unregister"),
]
