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
    path("open-data/", views.catalogue_page, name="catalogue"),
    path("federation/peers/", views.peer_list, name="peer-list"),
    path("federation/submissions/", views.federation_receive, name="federation-receive"),
    path("open-data/catalogue.jsonld", views.catalogue_dcat, name="catalogue-dcat"),
    path("open-data/<slug:slug>.<slug:fmt>", views.catalogue_download, name="catalogue-download"),
]
