from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/<int:project_id>/", views.propose, name="propose"),
    path("<int:proposal_id>/", views.detail, name="detail"),
    path("<int:proposal_id>/edit/", views.edit, name="edit"),
    path("<int:proposal_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:proposal_id>/shortlist/", views.shortlist, name="shortlist"),
    path("<int:proposal_id>/unshortlist/", views.unshortlist, name="unshortlist"),
    path("<int:proposal_id>/decline/", views.decline, name="decline"),
    path("<int:proposal_id>/hire/", views.hire, name="hire"),
    path("inbox/<int:project_id>/", views.inbox, name="inbox"),
    path("invite/<int:freelancer_id>/", views.invite, name="invite"),
    path(
        "invitations/<int:invitation_id>/decline/",
        views.invitation_decline,
        name="invitation_decline",
    ),
    path("files/<int:attachment_id>/", views.attachment, name="attachment"),
]
