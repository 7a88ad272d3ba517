from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PublicPagesSitemap(Sitemap):
    """Public pages in every language, each listing its translations as alternates."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return ["web:landing", "web:fees", "account_signup", "account_login"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PublicPagesSitemap}
