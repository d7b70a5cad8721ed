from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("eligible/", views.eligible_list, name="eligible-list"),
    path("new/", views.programme_edit, name="programme-new"),
    path("compare/", views.compare, name="compare"),
    path("completeness/", views.completeness, name="completeness"),
    path("open-data/", views.open_data, name="open-data"),
    path("open-data/programmes.<slug:fmt>", views.open_data_download, name="open-data-download"),
    path("curation/", views.curation_queue, name="curation-queue"),
    path("overlaps/", views.overlap_list, name="overlap-list"),
    path("overlaps/decide/", views.overlap_decide, name="overlap-decide"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application-decide"),
    path("calls/<int:call_id>/apply/", views.application_create, name="application-create"),
    path("cohorts/<int:cohort_id>/add/", views.participation_add, name="participation-add"),
    path("participations/<int:pk>/", views.participation_edit, name="participation-edit"),
    path("<slug:code>/", views.programme_detail, name="programme-detail"),
    path("<slug:code>/edit/", views.programme_edit, name="programme-edit"),
    path("<slug:code>/manage/", views.programme_manage, name="programme-manage"),
    path("<slug:code>/cohorts/", views.cohort_create, name="cohort-create"),
    path("<slug:code>/move/<slug:to>/", views.programme_move, name="programme-move"),
]
