from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("freelancers/", views.freelancer_browse, name="freelancer_browse"),
    path("freelancers/<int:user_id>/", views.freelancer_detail, name="freelancer_detail"),
    path("clients/<int:user_id>/", views.client_detail, name="client_detail"),
    path("profile/edit/", views.edit, name="edit"),
    path("profile/photo/", views.photo, name="photo"),
    path("profile/skills/", views.skills, name="skills"),
    path("profile/skills/<int:skill_id>/up/", views.skill_move_up, name="skill_move_up"),
    path("profile/contacts/", views.contacts, name="contacts"),
    path("profile/certifications/", views.certification_add, name="certification_add"),
    path(
        "profile/certifications/<int:certification_id>/remove/",
        views.certification_remove,
        name="certification_remove",
    ),
    path("profile/portfolio/new/", views.portfolio_item_new, name="portfolio_item_new"),
    path("profile/portfolio/<int:item_id>/", views.portfolio_item, name="portfolio_item"),
    path(
        "profile/portfolio/<int:item_id>/delete/",
        views.portfolio_item_delete,
        name="portfolio_item_delete",
    ),
    path(
        "profile/portfolio/<int:item_id>/files/",
        views.portfolio_file_add,
        name="portfolio_file_add",
    ),
    path(
        "profile/files/<int:file_id>/remove/",
        views.portfolio_file_remove,
        name="portfolio_file_remove",
    ),
    path(
        "profile/files/<int:file_id>/original/",
        views.portfolio_file_original,
        name="portfolio_file_original",
    ),
    path("profile/client/", views.client_edit, name="client_edit"),
]
