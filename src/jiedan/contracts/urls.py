from django.urls import path

from .views import changes, hourly, pages

app_name = "contracts"

urlpatterns = [
    path("", pages.contract_list, name="list"),
    path("offer/<int:proposal_id>/", pages.offer, name="offer"),
    path("orders/<int:order_id>/offer/", pages.offer_from_order, name="offer_from_order"),
    path("<int:contract_id>/", pages.detail, name="detail"),
    path("from/<str:source>/<int:source_id>/", pages.from_source, name="from_source"),
    path("<int:contract_id>/revise/", pages.revise, name="revise"),
    path("<int:contract_id>/accept/", pages.accept, name="accept"),
    path("<int:contract_id>/decline/", pages.decline, name="decline"),
    path("<int:contract_id>/withdraw/", pages.withdraw, name="withdraw"),
    path("<int:contract_id>/pause/", pages.pause, name="pause"),
    path("<int:contract_id>/resume/", pages.resume, name="resume"),
    path("<int:contract_id>/end/", pages.end, name="end"),
    path(
        "<int:contract_id>/cancellations/",
        pages.cancellation_propose,
        name="cancellation_propose",
    ),
    path(
        "cancellations/<int:cancellation_id>/accept/",
        pages.cancellation_accept,
        name="cancellation_accept",
    ),
    path(
        "cancellations/<int:cancellation_id>/decline/",
        pages.cancellation_decline,
        name="cancellation_decline",
    ),
    path("milestones/<int:milestone_id>/fund/", pages.milestone_fund, name="milestone_fund"),
    path("milestones/<int:milestone_id>/submit/", pages.milestone_submit, name="milestone_submit"),
    path(
        "milestones/<int:milestone_id>/request-changes/",
        pages.milestone_request_changes,
        name="milestone_request_changes",
    ),
    path(
        "milestones/<int:milestone_id>/approve/",
        pages.milestone_approve,
        name="milestone_approve",
    ),
    path("files/<int:file_id>/", pages.delivery_file, name="file"),
    path("<int:contract_id>/timer/start/", hourly.timer_start, name="timer_start"),
    path("<int:contract_id>/timer/stop/", hourly.timer_stop, name="timer_stop"),
    path("<int:contract_id>/time/", hourly.entry_add, name="entry_add"),
    path("time/<int:entry_id>/", hourly.entry_update, name="entry_update"),
    path("time/<int:entry_id>/delete/", hourly.entry_delete, name="entry_delete"),
    path("statements/<int:statement_id>/query/", hourly.statement_query, name="statement_query"),
    path(
        "statements/<int:statement_id>/answer/",
        hourly.statement_answer,
        name="statement_answer",
    ),
    path(
        "statements/<int:statement_id>/approve/",
        hourly.statement_approve,
        name="statement_approve",
    ),
    path("statements/<int:statement_id>/pay/", hourly.statement_pay, name="statement_pay"),
    path("<int:contract_id>/changes/new/", changes.change_new, name="change_new"),
    path("changes/<int:change_id>/accept/", changes.change_accept, name="change_accept"),
    path("changes/<int:change_id>/decline/", changes.change_decline, name="change_decline"),
    path("changes/<int:change_id>/withdraw/", changes.change_withdraw, name="change_withdraw"),
]
