from django.urls import path

from . import views

app_name = "disputes"

urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("open/milestone/<int:milestone_id>/", views.open_milestone, name="open_milestone"),
    path("open/week/<int:statement_id>/", views.open_week, name="open_week"),
    path("<int:dispute_id>/", views.detail, name="detail"),
    path("<int:dispute_id>/offers/", views.offer_make, name="offer_make"),
    path("offers/<int:offer_id>/accept/", views.offer_accept, name="offer_accept"),
    path("offers/<int:offer_id>/decline/", views.offer_decline, name="offer_decline"),
    path("<int:dispute_id>/escalate/", views.escalate, name="escalate"),
    path("<int:dispute_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:dispute_id>/evidence/", views.evidence_add, name="evidence_add"),
    path("<int:dispute_id>/decide/", views.decide, name="decide"),
    path("<int:dispute_id>/assign/", views.assign, name="assign"),
    path("evidence/<int:evidence_id>/", views.evidence_file, name="evidence_file"),
    path("<int:dispute_id>/files/<int:file_id>/", views.delivery_file, name="delivery_file"),
]
