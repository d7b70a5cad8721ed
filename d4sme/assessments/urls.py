from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("imports/", views.import_new, name="import-new"),
    path("imports/template/<int:pk>.csv", views.import_template, name="import-template"),
    path("instruments/<slug:code>/", views.instrument_detail, name="instrument-detail"),
    path("responses/<int:pk>/", views.resume, name="response-resume"),
    path("responses/<int:pk>/page/<int:number>/", views.response_page, name="response-page"),
    path("responses/<int:pk>/review/", views.response_review, name="response-review"),
    path("responses/<int:pk>/report/", views.response_report, name="response-report"),
    path("responses/<int:pk>/pdf/", views.response_pdf, name="response-pdf"),
    path("responses/<int:pk>/results.<slug:fmt>", views.response_data, name="response-data"),
]
