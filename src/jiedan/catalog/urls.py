from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("<int:service_id>/", views.detail, name="detail"),
    path("<int:service_id>/order/", views.checkout, name="checkout"),
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
    path("orders/<int:order_id>/cancel/", views.order_cancel, name="order_cancel"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.edit, name="create"),
    path("<int:service_id>/edit/", views.edit, name="edit"),
    path("<int:service_id>/publish/", views.publish, name="publish"),
    path("<int:service_id>/pause/", views.pause, name="pause"),
    path("moderation/", views.moderation, name="moderation"),
    path("<int:service_id>/moderate/", views.moderate, name="moderate"),
]
