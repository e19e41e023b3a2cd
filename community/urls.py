from django.urls import path

from .views import hub, nominations, rosters

app_name = "community"

urlpatterns = [
    path("", hub.index, name="index"),
    # Nominations: a school proposes, a methodist decides.
    path("nominations/", nominations.nomination_list, name="nomination_list"),
    path("nominations/new/", nominations.nomination_create, name="nomination_create"),
    path("nominations/<int:pk>/", nominations.nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/accept/", nominations.nomination_accept, name="nomination_accept"),
    path("nominations/<int:pk>/reject/", nominations.nomination_reject, name="nomination_reject"),
    # Rosters and the tutor directory.
    path("rosters/", rosters.roster_list, name="roster_list"),
    path("rosters/new/", rosters.roster_create, name="roster_create"),
    path("rosters/<int:pk>/", rosters.roster_detail, name="roster_detail"),
    path("rosters/<int:pk>/entries/new/", rosters.entry_create, name="entry_create"),
    path("rosters/<int:pk>/approve/", rosters.roster_approve, name="roster_approve"),
    path("rosters/<int:pk>/revise/", rosters.roster_revise, name="roster_revise"),
    path("entries/<int:pk>/edit/", rosters.entry_update, name="entry_update"),
    path("entries/<int:pk>/delete/", rosters.entry_delete, name="entry_delete"),
    path("tutors/", rosters.directory, name="directory"),
    path("tutors/export.xlsx", rosters.directory_export, name="directory_export"),
    # Community plans, tutor plans and assignments.
]
