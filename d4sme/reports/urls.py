from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("pdf/<int:pk>/", views.render_detail, name="render-detail"),
    path("pdf/<int:pk>/download/", views.render_download, name="render-download"),
]
