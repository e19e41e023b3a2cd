from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import LoginForm
from .views import accounts, people
from .views import notifications as views_notifications
from .views import organizations as views_organizations
from .views import region as views_region

admin.site.site_header = "Портал сообщества тьюторов — администрирование"
admin.site.site_title = "Администрирование"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invitation/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.password_change, name="password_change"),
    path("profile/email/", accounts.email_change_request, name="email_change_request"),
    path("profile/email/<str:token>/", accounts.email_change_confirm, name="email_change_confirm"),
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
    path("region/risk-directions/", views_region.risk_direction_list, name="risk_direction_list"),
    path(
        "region/risk-directions/new/",
        views_region.risk_direction_create,
        name="risk_direction_create",
    ),
    path(
        "region/risk-directions/<int:pk>/edit/",
        views_region.risk_direction_update,
        name="risk_direction_update",
    ),
    path(
        "region/risk-directions/<int:pk>/retire/",
        views_region.risk_direction_retire,
        name="risk_direction_retire",
    ),
    path(
        "region/risk-directions/<int:pk>/restore/",
        views_region.risk_direction_restore,
        name="risk_direction_restore",
    ),
    path("people/", people.people_list, name="people_list"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/invitations/", people.invitation_list, name="invitation_list"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_update, name="person_update"),
    path("people/<int:pk>/roles/new/", people.role_grant, name="role_grant"),
    path("people/<int:pk>/roles/<int:role_pk>/", people.role_update, name="role_update"),
    path("people/<int:pk>/roles/<int:role_pk>/revoke/", people.role_revoke, name="role_revoke"),
    path("people/<int:pk>/deactivate/", people.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", people.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/invite/", people.invitation_send, name="invitation_send"),
    path("audit/", views.audit_list, name="audit_list"),
    path("subjects/", views.subject_list, name="subject_list"),
    path("subjects/new/", views.subject_create, name="subject_create"),
    path("subjects/<int:pk>/edit/", views.subject_update, name="subject_update"),
    path("subjects/<int:pk>/retire/", views.subject_retire, name="subject_retire"),
    path("subjects/<int:pk>/restore/", views.subject_restore, name="subject_restore"),
    path("directory-imports/", include("tutoring.imports.urls")),
    path("documents/<int:pk>/status/", views.document_status, name="document_status"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/retry/", views.document_retry, name="document_retry"),
    path("notifications/", views_notifications.notification_list, name="notification_list"),
    path("notifications/bell/", views_notifications.notification_bell, name="notification_bell"),
    path("notifications/email/", views_notifications.email_settings, name="email_settings"),
    path(
        "notifications/email/unsubscribe/<str:token>/",
        views_notifications.email_unsubscribe,
        name="email_unsubscribe",
    ),
    path(
        "notifications/read-all/",
        views_notifications.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/<int:pk>/read/",
        views_notifications.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/<int:pk>/open/",
        views_notifications.notification_open,
        name="notification_open",
    ),
    path("community/", include("community.urls")),
    path("consultations/", include("consultations.urls")),
    path("expertise/", include("expertise.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("admin/", admin.site.urls),
]
