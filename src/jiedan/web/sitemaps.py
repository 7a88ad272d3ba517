"""sitemap.xml: the public pages, published services and public freelancer profiles, each in
every language with its translations as alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from jiedan.catalog.selectors import published_services
from jiedan.profiles.selectors import public_freelancer_profiles
from jiedan.projects.models import Status as ProjectStatus
from jiedan.projects.selectors import public_projects


class _Bilingual(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PublicPagesSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self):
        return [
            "web:landing",
            "web:fees",
            "projects:browse",
            "catalog:browse",
            "taxonomy:directory",
            "account_signup",
            "account_login",
        ]

    def location(self, item):
        return reverse(item)


class ServicesSitemap(_Bilingual):
    changefreq = "daily"

    def items(self):
        return published_services().only("pk", "updated_at").order_by("pk")

    def location(self, service):
        return reverse("catalog:detail", args=[service.pk])

    def lastmod(self, service):
        return service.updated_at


class ProjectsSitemap(_Bilingual):
    changefreq = "daily"

    def items(self):
        open_projects = public_projects().filter(status=ProjectStatus.OPEN)
        return open_projects.only("pk", "updated_at").order_by("pk")

    def location(self, project):
        return reverse("projects:detail", args=[project.pk])

    def lastmod(self, project):
        return project.updated_at


class FreelancersSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self):
        return public_freelancer_profiles().only("user_id", "updated_at").order_by("user_id")

    def location(self, profile):
        return reverse("profiles:freelancer_detail", args=[profile.user_id])

    def lastmod(self, profile):
        return profile.updated_at


SITEMAPS = {
    "pages": PublicPagesSitemap,
    "projects": ProjectsSitemap,
    "services": ServicesSitemap,
    "freelancers": FreelancersSitemap,
}
