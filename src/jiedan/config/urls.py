"""Root URLs. Human pages live under a language prefix (/zh-hans/, /en/); machine URLs do not."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from jiedan.ops.views import metrics_view
from jiedan.web import views as web_views
from jiedan.web.sitemaps import SITEMAPS

from .api import api

handler404 = "jiedan.web.views.page_not_found"
handler500 = "jiedan.web.views.server_error"

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("readyz", web_views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("robots.txt", web_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("i18n/setlang/", web_views.set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("account/", include("jiedan.accounts.urls")),
    path("skills/", include("jiedan.taxonomy.urls")),
    path("", include("jiedan.profiles.urls")),
    path("services/", include("jiedan.catalog.urls")),
    path("projects/", include("jiedan.projects.urls")),
    path("tasks/", include("jiedan.piecework.urls")),
    path("contests/", include("jiedan.contests.urls")),
    path("proposals/", include("jiedan.proposals.urls")),
    path("contracts/", include("jiedan.contracts.urls")),
    path("messages/", include("jiedan.messaging.urls")),
    path("reviews/", include("jiedan.reviews.urls")),
    path("disputes/", include("jiedan.disputes.urls")),
    path("reputation/", include("jiedan.reputation.urls")),
    path("recommendations/", include("jiedan.matching.recommendation_urls")),
    path("wallet/", include("jiedan.payments.urls")),
    path("searches/", include("jiedan.savedsearches.urls")),
    path("verification/", include("jiedan.verification.urls")),
    path("notifications/", include("jiedan.notifications.urls")),
    path("assist/", include("jiedan.matching.urls")),
    path("trust/", include("jiedan.trust.urls")),
    path("privacy/", include("jiedan.privacy.urls")),
    path("", include("jiedan.web.urls")),
)
