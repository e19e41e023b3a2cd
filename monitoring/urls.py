from django.urls import path

from .views import analysis, community, effect, hub, imports, minimums, profiles, reports, risks

app_name = "monitoring"

urlpatterns = [
    path("", hub.index, name="index"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/new/", imports.import_create, name="import_create"),
    path("imports/templates/<slug:layout>.xlsx", imports.import_template, name="import_template"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
    path("imports/<int:pk>/retry/", imports.import_retry, name="import_retry"),
    path("minimums/", minimums.minimum_list, name="minimum_list"),
    path("minimums/new/", minimums.minimum_create, name="minimum_create"),
    path("minimums/seed/", minimums.minimum_seed, name="minimum_seed"),
    path("minimums/<int:pk>/edit/", minimums.minimum_update, name="minimum_update"),
    path("minimums/<int:pk>/delete/", minimums.minimum_delete, name="minimum_delete"),
    path("results/", analysis.results_overview, name="results"),
    path("results/export.xlsx", analysis.results_export, name="results_export"),
    path("results/schools/<int:pk>/", analysis.results_school, name="results_school"),
    path(
        "results/schools/<int:pk>/export.xlsx",
        analysis.results_school_export,
        name="results_school_export",
    ),
    path("risks/", risks.risk_list, name="risks"),
    path("risks/status/", risks.risk_status, name="risk_status"),
    path("profiles/", profiles.profile_list, name="profile_list"),
    path("profiles/new/", profiles.profile_create, name="profile_create"),
    path("profiles/<int:pk>/", profiles.profile_detail, name="profile_detail"),
    path("profiles/<int:pk>/edit/", profiles.profile_update, name="profile_update"),
    path("profiles/<int:pk>/submit/", profiles.profile_submit, name="profile_submit"),
    path("profiles/<int:pk>/agree/", profiles.profile_agree, name="profile_agree"),
    path("profiles/<int:pk>/return/", profiles.profile_return, name="profile_return"),
    path(
        "profiles/curators/<int:pk>/<int:year>/",
        profiles.curator_assign,
        name="curator_assign",
    ),
    path("profiles/curators/<int:pk>/remove/", profiles.curator_remove, name="curator_remove"),
    path("effect/", effect.tutoring_effect, name="effect"),
    path("effectiveness/", community.effectiveness_report, name="effectiveness"),
    path("development/", community.development_list, name="development_list"),
    path("development/<int:pk>/", community.development_detail, name="development_detail"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/effectiveness/", reports.report_effectiveness, name="report_effectiveness"),
    path("reports/analytical/", reports.report_analytical, name="report_analytical"),
]
