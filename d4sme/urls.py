from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from d4sme.api import api
from d4sme.registry import views as registry_views
from d4sme.registry.forms import LoginForm, QueuedPasswordResetForm

urlpatterns = [
    path("", registry_views.home, name="home"),
    path("", include("d4sme.registry.urls")),
    path("programmes/", include("d4sme.programmes.urls")),
    path("assessments/", include("d4sme.assessments.urls")),
    path("cases/", include("d4sme.casestudies.urls")),
    path("monitoring/", include("d4sme.monitoring.urls")),
    path("reports/", include("d4sme.reports.urls")),
    path("matching/", include("d4sme.matching.urls")),
    path("evaluation/", include("d4sme.evaluation.urls")),
    path("exchange/", include("d4sme.exchange.urls")),
    path("accounts/sign-up/", registry_views.sign_up, name="sign-up"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
