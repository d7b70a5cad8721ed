from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("programmes/", views.recommendations, name="recommendations"),
    path("programmes/refresh/", views.refresh, name="refresh"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("jobs/", views.youth_home, name="youth"),
    path("jobs/profile/", views.candidate_profile, name="candidate-profile"),
    path("jobs/new/", views.job_new, name="job-new"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/apply/", views.job_apply, name="job-apply"),
    path("jobs/candidates/<int:pk>/", views.candidate_detail, name="candidate-detail"),
    path("jobs/run/<slug:code>/", views.youth_run, name="youth-run"),
    path(
        "jobs/matches/<int:pk>/<slug:decision>/",
        views.job_match_decide,
        name="job-match-decide",
    ),
    path("suppliers/", views.suppliers_home, name="suppliers"),
    path("suppliers/needs/new/", views.need_new, name="need-new"),
    path("suppliers/offers/new/", views.offer_new, name="offer-new"),
    path("suppliers/run/", views.suppliers_run, name="suppliers-run"),
    path(
        "suppliers/pairs/<int:pk>/<slug:decision>/",
        views.supplier_pair_decide,
        name="supplier-pair-decide",
    ),
]
