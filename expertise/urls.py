from django.urls import path

from .views import cases, hub, reviews, rubrics

app_name = "expertise"

urlpatterns = [
    path("", hub.index, name="index"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/assign/", cases.case_assign, name="case_assign"),
    path("cases/<int:pk>/reconcile/", cases.case_reconcile, name="case_reconcile"),
    path("cases/<int:pk>/withdraw/", cases.case_withdraw, name="case_withdraw"),
    path("cases/<int:pk>/resubmit/", cases.case_resubmit, name="case_resubmit"),
    path("files/<int:pk>/", cases.file_download, name="file_download"),
    path("reviews/<int:pk>/", reviews.review, name="review"),
    path("deficits/", reviews.deficits, name="deficits"),
    path("rubrics/", rubrics.rubric_list, name="rubric_list"),
    path("rubrics/install/", rubrics.rubric_install, name="rubric_install"),
    path("rubrics/<int:pk>/", rubrics.rubric_detail, name="rubric_detail"),
    path("rubrics/<int:pk>/edit/", rubrics.rubric_update, name="rubric_update"),
    path("rubrics/<int:pk>/new-edition/", rubrics.rubric_new_edition, name="rubric_new_edition"),
    path("rubrics/<int:pk>/activate/", rubrics.rubric_activate, name="rubric_activate"),
    path("rubrics/<int:pk>/discard/", rubrics.rubric_discard, name="rubric_discard"),
    path("rubrics/<int:pk>/criteria/new/", rubrics.criterion_add, name="criterion_add"),
    path("criteria/<int:pk>/edit/", rubrics.criterion_update, name="criterion_update"),
    path("criteria/<int:pk>/remove/", rubrics.criterion_remove, name="criterion_remove"),
]
