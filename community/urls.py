from django.urls import path

from .views import (
    achievements,
    assignments,
    diagnoses,
    hub,
    library,
    nominations,
    orders,
    plans,
    rosters,
    routes,
    year_reports,
    years,
)

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
    path("rosters/<int:pk>/ready/", rosters.roster_ready, name="roster_ready"),
    path("rosters/<int:pk>/unready/", rosters.roster_unready, name="roster_unready"),
    path("rosters/<int:pk>/revise/", rosters.roster_revise, name="roster_revise"),
    # A new academic year from the last one, for one municipality.
    path("municipalities/<int:pk>/new-year/", years.year_start, name="year_start"),
    path("entries/<int:pk>/edit/", rosters.entry_update, name="entry_update"),
    path("entries/<int:pk>/delete/", rosters.entry_delete, name="entry_delete"),
    path("tutors/", rosters.directory, name="directory"),
    path("tutors/export.xlsx", rosters.directory_export, name="directory_export"),
    # Orders and their appendices.
    path("orders/", orders.order_list, name="order_list"),
    path("orders/new/", orders.order_create, name="order_create"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", orders.order_update, name="order_update"),
    path("orders/<int:pk>/appendices/new/", orders.appendix_create, name="appendix_create"),
    path("orders/<int:pk>/send/", orders.order_send, name="order_send"),
    path("orders/<int:pk>/return/", orders.order_return, name="order_return"),
    path("orders/<int:pk>/sign/", orders.order_sign, name="order_sign"),
    path("orders/<int:pk>/appendices/preview/", orders.appendix_preview, name="appendix_preview"),
    path("orders/<int:pk>/approve/", orders.order_approve, name="order_approve"),
    path("orders/<int:pk>/amend/", orders.order_amend, name="order_amend"),
    path("orders/<int:pk>/print/", orders.order_print, name="order_print"),
    path("appendices/<int:pk>/delete/", orders.appendix_delete, name="appendix_delete"),
    # Community plans, tutor plans and assignments.
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/copy/", plans.plan_copy, name="plan_copy"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/submit/", plans.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/approve/", plans.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/return/", plans.plan_return, name="plan_return"),
    path("plans/<int:pk>/grouping/", plans.plan_grouping, name="plan_grouping"),
    path("plans/<int:pk>/items/new/", plans.plan_item_create, name="plan_item_create"),
    path("plan-items/<int:pk>/edit/", plans.plan_item_update, name="plan_item_update"),
    path("plan-items/<int:pk>/delete/", plans.plan_item_delete, name="plan_item_delete"),
    path("plan-items/<int:pk>/move/", plans.plan_item_move, name="plan_item_move"),
    path("tutor-plans/", plans.tutor_plan_list, name="tutor_plan_list"),
    path("tutor-plans/new/", plans.tutor_plan_create, name="tutor_plan_create"),
    path("tutor-plans/<int:pk>/", plans.tutor_plan_detail, name="tutor_plan_detail"),
    path(
        "tutor-plans/<int:pk>/items/new/",
        plans.tutor_plan_item_create,
        name="tutor_plan_item_create",
    ),
    path(
        "tutor-plan-items/<int:pk>/edit/",
        plans.tutor_plan_item_update,
        name="tutor_plan_item_update",
    ),
    path(
        "tutor-plan-items/<int:pk>/delete/",
        plans.tutor_plan_item_delete,
        name="tutor_plan_item_delete",
    ),
    path("tutor-plans/<int:pk>/submit/", plans.tutor_plan_submit, name="tutor_plan_submit"),
    path("tutor-plans/<int:pk>/approve/", plans.tutor_plan_approve, name="tutor_plan_approve"),
    path("tutor-plans/<int:pk>/return/", plans.tutor_plan_return, name="tutor_plan_return"),
    path("assignments/", assignments.assignment_list, name="assignment_list"),
    path("assignments/new/", assignments.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/", assignments.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/delete/", assignments.assignment_delete, name="assignment_delete"),
    # Mentoring pairs «учитель — учитель» (Р-145): assignments of their own kind.
    path("assignments/pairs/new/", assignments.pair_create, name="pair_create"),
    path("assignments/<int:pk>/end/", assignments.pair_end, name="pair_end"),
    # Teachers' diagnoses of professional deficits (Р-201).
    path("diagnoses/", diagnoses.diagnosis_list, name="diagnosis_list"),
    path("diagnoses/new/", diagnoses.diagnosis_create, name="diagnosis_create"),
    path("diagnoses/teachers/<int:pk>/", diagnoses.teacher_diagnoses, name="teacher_diagnoses"),
    path("diagnoses/<int:pk>/", diagnoses.diagnosis_detail, name="diagnosis_detail"),
    path("diagnoses/<int:pk>/edit/", diagnoses.diagnosis_update, name="diagnosis_update"),
    path("diagnoses/<int:pk>/delete/", diagnoses.diagnosis_delete, name="diagnosis_delete"),
    # Development routes (ИОМ) of teachers.
    path("routes/", routes.route_list, name="route_list"),
    path("routes/new/", routes.route_create, name="route_create"),
    path("routes/<int:pk>/", routes.route_detail, name="route_detail"),
    path("routes/<int:pk>/edit/", routes.route_update, name="route_update"),
    path("routes/<int:pk>/start/", routes.route_start, name="route_start"),
    path("routes/<int:pk>/close/", routes.route_close, name="route_close"),
    path("routes/<int:pk>/print/", routes.route_print, name="route_print"),
    path(
        "routes/<int:pk>/difficulties/new/",
        routes.difficulty_add,
        name="route_difficulty_add",
    ),
    path(
        "routes/difficulties/<int:pk>/delete/",
        routes.difficulty_delete,
        name="route_difficulty_delete",
    ),
    path("routes/<int:pk>/steps/new/", routes.step_create, name="route_step_create"),
    path("routes/steps/<int:pk>/edit/", routes.step_update, name="route_step_update"),
    path("routes/steps/<int:pk>/delete/", routes.step_delete, name="route_step_delete"),
    path("routes/steps/<int:pk>/done/", routes.step_done, name="route_step_done"),
    path("routes/steps/<int:pk>/reopen/", routes.step_reopen, name="route_step_reopen"),
    path("routes/steps/<int:pk>/evidence/", routes.step_evidence, name="route_step_evidence"),
    # Tutors' achievements of the year.
    path("achievements/", achievements.achievement_list, name="achievement_list"),
    path("achievements/new/", achievements.achievement_create, name="achievement_create"),
    path("achievements/<int:pk>/edit/", achievements.achievement_update, name="achievement_update"),
    path(
        "achievements/<int:pk>/delete/", achievements.achievement_delete, name="achievement_delete"
    ),
    path("achievements/<int:pk>/file/", achievements.achievement_file, name="achievement_file"),
    # The library of methodical materials.
    path("library/", library.material_list, name="material_list"),
    path("library/new/", library.material_create, name="material_create"),
    path("library/<int:pk>/", library.material_detail, name="material_detail"),
    path("library/<int:pk>/edit/", library.material_update, name="material_update"),
    path("library/<int:pk>/submit/", library.material_submit, name="material_submit"),
    path("library/<int:pk>/publish/", library.material_publish, name="material_publish"),
    path("library/<int:pk>/return/", library.material_return, name="material_return"),
    path("library/<int:pk>/archive/", library.material_archive, name="material_archive"),
    path("library/<int:pk>/download/", library.material_download, name="material_download"),
    # The tutor's report for the year.
    path("year-reports/", year_reports.year_report_list, name="year_report_list"),
    path("year-reports/mine/", year_reports.year_report_mine, name="year_report_mine"),
    path(
        "year-reports/begin/<int:year_pk>/",
        year_reports.year_report_begin,
        name="year_report_begin",
    ),
    path("year-reports/<int:pk>/", year_reports.year_report_detail, name="year_report_detail"),
    path(
        "year-reports/<int:pk>/conclusion/",
        year_reports.year_report_write,
        name="year_report_write",
    ),
    path(
        "year-reports/<int:pk>/submit/", year_reports.year_report_submit, name="year_report_submit"
    ),
    path(
        "year-reports/<int:pk>/accept/", year_reports.year_report_accept, name="year_report_accept"
    ),
    path(
        "year-reports/<int:pk>/return/", year_reports.year_report_return, name="year_report_return"
    ),
]
