from django.urls import path

from . import recommendation_views as views

app_name = "recommendations"

urlpatterns = [
    path("", views.feed, name="feed"),
    path("projects/<int:project_id>/feedback/", views.project_feedback, name="feedback"),
    path("projects/<int:project_id>/invite/<int:freelancer_id>/", views.invite, name="invite"),
    path("projects/<int:project_id>/dismiss/<int:freelancer_id>/", views.dismiss, name="dismiss"),
]
