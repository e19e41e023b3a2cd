from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views, views_organizations, views_region
from .forms import LoginForm

admin.site.site_header = "Портал сообщества тьюторов — администрирование"
admin.site.site_title = "Администрирование"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.password_change, name="password_change"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organizations/new/", views_organizations.organization_create, name="organization_create"),
    path(
        "organizations/<int:pk>/edit/",
        views_organizations.organization_update,
        name="organization_update",
    ),
    path(
        "organizations/<int:pk>/close/",
        views_organizations.organization_close,
        name="organization_close",
    ),
    path(
        "organizations/<int:pk>/reopen/",
        views_organizations.organization_reopen,
        name="organization_reopen",
    ),
    path(
        "organizations/<int:pk>/statuses/",
        views_organizations.organization_status_set,
        name="organization_status_set",
    ),
    path(
        "organizations/<int:pk>/statuses/<int:status_pk>/remove/",
        views_organizations.organization_status_remove,
        name="organization_status_remove",
    ),
    path("region/", views_region.municipality_list, name="municipality_list"),
    path("region/new/", views_region.municipality_create, name="municipality_create"),
    path("region/<int:pk>/", views_region.municipality_detail, name="municipality_detail"),
    path("region/<int:pk>/edit/", views_region.municipality_update, name="municipality_update"),
    path(
        "region/<int:pk>/issuer/",
        views_region.municipality_issuer_create,
        name="municipality_issuer_create",
    ),
    path("region/<int:pk>/invite/", views_region.municipality_invite, name="municipality_invite"),
    path("people/", views.people_list, name="people_list"),
    path("audit/", views.audit_list, name="audit_list"),
    path("subjects/", views.subject_list, name="subject_list"),
    path("subjects/new/", views.subject_create, name="subject_create"),
    path("subjects/<int:pk>/edit/", views.subject_update, name="subject_update"),
    path("subjects/<int:pk>/retire/", views.subject_retire, name="subject_retire"),
    path("subjects/<int:pk>/restore/", views.subject_restore, name="subject_restore"),
    path("documents/<int:pk>/status/", views.document_status, name="document_status"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("community/", include("community.urls")),
    path("consultations/", include("consultations.urls")),
    path("expertise/", include("expertise.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("admin/", admin.site.urls),
]
