from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/import/", views.statistics_import, name="statistics-import"),
    path("statistics/mappings/", views.mapping_list, name="mapping-list"),
    path("statistics/<int:pk>/", views.dataset_detail, name="dataset"),
    path("statistics/<int:pk>/links/", views.link_new, name="link-new"),
    path("frameworks/new/", views.framework_new, name="framework-new"),
]
