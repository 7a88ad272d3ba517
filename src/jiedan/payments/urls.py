from django.urls import path

from . import sandbox_views, views

app_name = "payments"

urlpatterns = [
    path("", views.wallet, name="wallet"),
    path("top-up/", views.top_up, name="top_up"),
    path("top-up/quote/", views.top_up_quote, name="top_up_quote"),
    path("top-ups/<int:top_up_id>/", views.top_up_detail, name="top_up_detail"),
    path("top-ups/<int:top_up_id>/refund/", views.top_up_refund, name="top_up_refund"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("withdraw/quote/", views.withdraw_quote, name="withdraw_quote"),
    path("payout-methods/", views.payout_methods, name="payout_methods"),
    path(
        "payout-methods/<int:method_id>/remove/",
        views.payout_method_remove,
        name="payout_method_remove",
    ),
    path("statement/", views.statement, name="statement"),
    path("statement.csv", views.statement_csv, name="statement_csv"),
    path("sandbox/checkout/<str:token>/", sandbox_views.sandbox_checkout, name="sandbox_checkout"),
    path("sandbox/payouts/<str:token>/", sandbox_views.sandbox_payout, name="sandbox_payout"),
]
