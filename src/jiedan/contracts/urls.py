from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("offer/<int:proposal_id>/", views.offer, name="offer"),
    path("orders/<int:order_id>/offer/", views.offer_from_order, name="offer_from_order"),
    path("<int:contract_id>/", views.detail, name="detail"),
    path("<int:contract_id>/revise/", views.revise, name="revise"),
    path("<int:contract_id>/accept/", views.accept, name="accept"),
    path("<int:contract_id>/decline/", views.decline, name="decline"),
    path("<int:contract_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:contract_id>/pause/", views.pause, name="pause"),
    path("<int:contract_id>/resume/", views.resume, name="resume"),
    path("<int:contract_id>/end/", views.end, name="end"),
    path(
        "<int:contract_id>/cancellations/",
        views.cancellation_propose,
        name="cancellation_propose",
    ),
    path(
        "cancellations/<int:cancellation_id>/accept/",
        views.cancellation_accept,
        name="cancellation_accept",
    ),
    path(
        "cancellations/<int:cancellation_id>/decline/",
        views.cancellation_decline,
        name="cancellation_decline",
    ),
    path("milestones/<int:milestone_id>/fund/", views.milestone_fund, name="milestone_fund"),
    path("milestones/<int:milestone_id>/submit/", views.milestone_submit, name="milestone_submit"),
    path(
        "milestones/<int:milestone_id>/request-changes/",
        views.milestone_request_changes,
        name="milestone_request_changes",
    ),
    path(
        "milestones/<int:milestone_id>/approve/",
        views.milestone_approve,
        name="milestone_approve",
    ),
    path("files/<int:file_id>/", views.delivery_file, name="file"),
]
