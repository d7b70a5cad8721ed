from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/<int:pk>/", views.submission_detail, name="submission"),
    path("reports/<int:pk>/move/", views.submission_move, name="submission-move"),
    path("reports/<int:pk>/history/", views.submission_history, name="submission-history"),
    path("reports/<int:pk>/upload/", views.import_new, name="import-new"),
    path("reports/<int:pk>/questions/", views.question_ask, name="question-ask"),
    path("questions/<int:pk>/answers/", views.question_answer, name="question-answer"),
    path("questions/<int:pk>/resolve/", views.question_resolve, name="question-resolve"),
    path("values/<int:pk>/evidence/", views.value_evidence, name="value-evidence"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/pdf/", views.review_pdf, name="review-pdf"),
    path("reviews/<int:pk>/sections/<int:section>/", views.review_section, name="review-section"),
    path("<slug:code>/", views.framework_detail, name="framework"),
    path("<slug:code>/dashboard/", views.dashboard, name="dashboard"),
    path("<slug:code>/indicators/<str:indicator>/", views.indicator_detail, name="indicator"),
    path("<slug:code>/reporting/", views.reporting, name="reporting"),
    path(
        "<slug:code>/reporting/<int:period>/<str:economy>/start/",
        views.submission_start,
        name="submission-start",
    ),
    path("<slug:code>/template.csv", views.import_template, name="import-template"),
    path("<slug:code>/sdmx/structure.xml", views.sdmx_structure, name="sdmx-structure"),
    path("<slug:code>/sdmx/data.<slug:fmt>", views.sdmx_data, name="sdmx-data"),
    path("<slug:code>/targets/", views.targets, name="targets"),
    path("<slug:code>/reviews/", views.review_list, name="review-list"),
    path("<slug:code>/proposals/", views.proposal_list, name="proposal-list"),
    path("<slug:code>/proposals/new/", views.proposal_new, name="proposal-new"),
]
