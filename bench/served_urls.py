"""The platform's URLs plus a bare view: the ceiling the middleware stack allows."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("d4sme.urls"))]
