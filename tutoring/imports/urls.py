from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("schools/new/", views.organizations_new, name="organizations_new"),
    path("staff/new/", views.people_new, name="people_new"),
    path("template/<str:kind>/", views.import_template, name="template"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
    path("<int:pk>/retry/", views.import_retry, name="retry"),
    path("<int:pk>/confirm/", views.import_confirm, name="confirm"),
    path("<int:pk>/cancel/", views.import_cancel, name="cancel"),
    path("<int:pk>/invite/", views.import_invite, name="invite"),
]
