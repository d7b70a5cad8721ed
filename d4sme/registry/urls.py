from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("organisations/", views.organisation_directory, name="organisation-directory"),
    path("organisations/register/", views.organisation_register, name="organisation-register"),
    path("organisations/regions/", views.region_options, name="region-options"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("account/tokens/", views.api_tokens, name="api-tokens"),
    path("account/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
]
