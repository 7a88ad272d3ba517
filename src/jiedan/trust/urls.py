from django.urls import path

from . import views

app_name = "trust"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/<int:enforcement_id>/appeal/", views.appeal, name="appeal"),
    path("fingerprint/", views.fingerprint, name="fingerprint"),
    path("projects/<int:project_id>/report/", views.report_project, name="report_project"),
    path("queue/", views.queue, name="queue"),
    path("queue/refresh/", views.queue_refresh, name="queue_refresh"),
    path("queue/<int:item_id>/", views.queue_item, name="queue_item"),
    path("queue/<int:item_id>/claim/", views.queue_claim, name="queue_claim"),
    path("queue/<int:item_id>/release/", views.queue_release, name="queue_release"),
    path("queue/<int:item_id>/decide/", views.queue_decide, name="queue_decide"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("actions/<int:enforcement_id>/lift/", views.enforcement_lift, name="enforcement_lift"),
    path("rules/", views.rules, name="rules"),
]
