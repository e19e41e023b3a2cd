from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
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
    path("people/", views.people_list, name="people_list"),
    path("audit/", views.audit_list, name="audit_list"),
    path("directory-imports/", include("tutoring.imports.urls")),
    path("documents/<int:pk>/status/", views.document_status, name="document_status"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("community/", include("community.urls")),
    path("consultations/", include("consultations.urls")),
    path("expertise/", include("expertise.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("admin/", admin.site.urls),
]
