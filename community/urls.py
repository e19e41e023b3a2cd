from django.urls import path

from .views import assignments, hub, nominations, orders, plans, rosters

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
    # Orders and their appendices.
    path("orders/", orders.order_list, name="order_list"),
    path("orders/new/", orders.order_create, name="order_create"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", orders.order_update, name="order_update"),
    path("orders/<int:pk>/appendices/new/", orders.appendix_create, name="appendix_create"),
    path("orders/<int:pk>/approve/", orders.order_approve, name="order_approve"),
    path("orders/<int:pk>/amend/", orders.order_amend, name="order_amend"),
    path("orders/<int:pk>/print/", orders.order_print, name="order_print"),
    path("appendices/<int:pk>/delete/", orders.appendix_delete, name="appendix_delete"),
    # Community plans, tutor plans and assignments.
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/copy/", plans.plan_copy, name="plan_copy"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/approve/", plans.plan_approve, name="plan_approve"),
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
    path("assignments/<int:pk>/delete/", assignments.assignment_delete, name="assignment_delete"),
]
