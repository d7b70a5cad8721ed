from django.urls import path

from . import views

app_name = "casestudies"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("stories/", views.stories, name="stories"),
    path("feed.atom", views.LatestCasesFeed(), name="feed"),
    path("open-data/cases.<slug:fmt>", views.open_data, name="open-data"),
    path("new/", views.case_edit, name="case-new"),
    path("mine/", views.my_cases, name="my-cases"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("<slug:code>/", views.case_detail, name="case-detail"),
    path("<slug:code>/edit/", views.case_edit, name="case-edit"),
    path("<slug:code>/move/", views.case_move, name="case-move"),
    path("<slug:code>/translate/", views.case_translate, name="case-translate"),
]
