from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.evaluation_index, name="evaluation-list"),
    path("new/", views.evaluation_create, name="evaluation-create"),
    path("<int:pk>/", views.evaluation_detail, name="evaluation-detail"),
    path("<int:pk>/run/", views.evaluation_run, name="evaluation-run"),
    path("<int:pk>/approve/", views.evaluation_approve, name="evaluation-approve"),
    path("<int:pk>/brief/", views.evaluation_brief, name="evaluation-brief"),
    path("<int:pk>/brief.pdf", views.evaluation_brief_pdf, name="evaluation-brief-pdf"),
]
