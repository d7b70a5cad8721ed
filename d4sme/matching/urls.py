from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("programmes/", views.recommendations, name="recommendations"),
    path("programmes/refresh/", views.refresh, name="refresh"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
]
