"""Django settings for Family Connect.

Everything that differs between a laptop, CI and production comes from the environment through
``familyfirst.env``. With nothing set, the app runs on SQLite with tasks run in-process, so a
newcomer needs no services; DEBUG defaults to off, so production is never accidentally a debug
server (``make run`` switches it on explicitly).
"""

from pathlib import Path

from csp.constants import NONE, SELF

from familyfirst.env import (
    ConfigurationError,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("FAMILY_CONNECT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigurationError("SECRET_KEY must be set whenever DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Two-factor sign-in is on unless explicitly switched off (the demo does, and says so on screen).
REQUIRE_MFA = env_bool("REQUIRE_MFA", True)
SERVICE_NAME = "Family Connect"
PHASE = env_str("PHASE", "beta")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "accounts",
    "audit",
    "locality",
    "people",
    "spectrum",
    "consent",
    "referrals",
    "cases",
    "pathway",
    "plans",
    "letters",
    "protection",
    "idempotency",
    "dashboards",
    "returns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "familyfirst.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.RequireVerifiedUserMiddleware",
    "people.middleware.BreakGlassMiddleware",
    "familyfirst.middleware.NoStoreMiddleware",
    # Axes last, as its documentation asks, so it sees the final response of a sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "familyfirst.urls"
WSGI_APPLICATION = "familyfirst.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "familyfirst.context_processors.service",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "family-connect.sqlite3")),
        }
    }
# The app's own connection when this process runs as the tables' owner (the migrate job): the
# role `manage.py db_app_role` creates and grants, with only INSERT and SELECT on the logs.
_app_url = env_str("DATABASE_APP_URL")
DATABASE_APP = database_from_url(_app_url) if _app_url else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.BreachedPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:signed-out"

# Idle timeout: every request pushes expiry back; a page script warns two minutes before it.
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60, minimum=60)
SESSION_IDLE_WARNING_SECONDS = env_int("SESSION_IDLE_WARNING_SECONDS", 2 * 60, minimum=10)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lock a username on one address out after repeated failures (django-axes).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0, minimum=0)

OTP_TOTP_ISSUER = SERVICE_NAME

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files collected by collectstatic; development and tests
# serve straight from the source folders.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Served from the source folders, each file is looked up when it is asked for rather than every
# file (about 200) indexed when the app's middleware is built: Django's test client builds the
# middleware afresh for every client, and indexing was a third of a view test's time
# (docs/testing.md). Production's collected files are indexed once, at start-up.
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
if not STATIC_MANIFEST:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Security headers. HTTPS settings follow DEBUG, so a production server cannot forget them.
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = SECURE_HTTPS
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = 63072000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsVerifiedStaff"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "familyfirst.pagination.CappedLimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Family Connect API",
    "DESCRIPTION": "Case management for Warwickshire's Family Connect front door.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["accounts.permissions.IsVerifiedStaff"],
    # Several apps have a field called "purpose" or "status" with different code lists.
    "ENUM_NAME_OVERRIDES": {
        "ConsentPurposeEnum": "consent.models.Purpose",
        "ConsentStatusEnum": "consent.models.ConsentStatus",
        "ConsentCapacityEnum": "consent.models.Capacity",
        "ConsentAnswerEnum": "referrals.serializers.CONSENT_ANSWERS",
        "ConsentMethodEnum": "consent.models.Method",
        "ConsentExceptionReasonEnum": "consent.models.ExceptionReason",
        "ConcernKindEnum": "locality.models.ConcernKind",
        "ConsultationStatusEnum": "referrals.models.ConsultationStatus",
        "ConsultationPurposeEnum": "referrals.models.CallPurpose",
        "CaseStatusEnum": "cases.models.CaseStatus",
        "CaseLevelEnum": "cases.models.CaseLevel",
        "CaseTransferReasonEnum": "cases.models.TransferReason",
        "CaseClosureReasonEnum": "cases.models.ClosureReason",
        "PlanLevelEnum": "plans.models.PlanLevel",
        "PlanStatusEnum": "plans.models.PlanStatus",
        "PlanActionOwnerEnum": "plans.models.ActionOwner",
        "PlanActionStatusEnum": "plans.models.ActionStatus",
        "PlanReviewDecisionEnum": "plans.models.ReviewDecision",
        "PartnerAgencyKindEnum": "plans.models.AgencyKind",
        "FamilyNetworkReferralStatusEnum": "plans.models.NetworkReferralStatus",
        "KinshipArrangementEnum": "plans.models.KinshipArrangement",
        "PlanFlagKindEnum": "plans.forms.FLAG_CHOICES",
        "PersonFlagKindEnum": "people.models.FlagKind",
        "MeetingStatusEnum": "protection.models.StrategyStatus",  # and ConferenceStatus: the same two values
        "StrategyDecisionEnum": "protection.models.StrategyDecision",
        "StrategyAgencyEnum": "protection.models.Agency",
        "EnquiryStatusEnum": "protection.models.EnquiryStatus",
        "EnquiryOutcomeEnum": "protection.models.EnquiryOutcome",
        "ConferenceKindEnum": "protection.models.ConferenceKind",
        "ConferenceDecisionEnum": "protection.models.ConferenceDecision",
        "CategoryOfAbuseEnum": "protection.models.CategoryOfAbuse",
        "ProtectionPlanEndReasonEnum": "protection.models.PlanEndReason",
        "AssessmentKindEnum": "pathway.models.AssessmentKind",
        "AssessmentVersionStatusEnum": "pathway.models.VersionStatus",
        "SpectrumLevelEnum": "spectrum.models.LevelCode",
        "ConsultationOutcomeEnum": "referrals.models.Outcome",
    },
}

# Celery: with no broker, tasks run in-process so the app works with no services.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Front-door clocks (reference/STATUTORY.md): a decision within one working day; assessments within
# 45 working days; the manager is warned this many minutes before a decision becomes overdue.
ASSESSMENT_WORKING_DAYS = env_int("ASSESSMENT_WORKING_DAYS", 45, minimum=1)
# How long a team keeps sight of a case after it closes (docs/cases.md, "Who sees what").
CASE_CLOSED_VISIBLE_DAYS = env_int("CASE_CLOSED_VISIBLE_DAYS", 365, minimum=0)
DECISION_WARNING_MINUTES = env_int("DECISION_WARNING_MINUTES", 60, minimum=0)
CLOCK_AMBER_HOURS = env_int("CLOCK_AMBER_HOURS", 4, minimum=0)
# Child protection clocks (docs/protection.md, "Clocks").
PROTECTION_STRATEGY_WORKING_DAYS = env_int("PROTECTION_STRATEGY_WORKING_DAYS", 0, minimum=0)
PROTECTION_WORKING_DAY_ENDS = env_str("PROTECTION_WORKING_DAY_ENDS", "17:00")
PROTECTION_ICPC_WORKING_DAYS = env_int("PROTECTION_ICPC_WORKING_DAYS", 15, minimum=1)
PROTECTION_CORE_GROUP_WORKING_DAYS = env_int("PROTECTION_CORE_GROUP_WORKING_DAYS", 10, minimum=1)
PROTECTION_AMBER_WORKING_DAYS = env_int("PROTECTION_AMBER_WORKING_DAYS", 3, minimum=0)
# A child found in Warwickshire who lives elsewhere: the MACPT that responds when the
# practitioner names none, and where the home authority is told.
PROTECTION_OUT_OF_COUNTY_TEAM = env_str("PROTECTION_OUT_OF_COUNTY_TEAM", "macpt-north")
PROTECTION_HOME_AUTHORITY_EMAIL = env_str(
    "PROTECTION_HOME_AUTHORITY_EMAIL", "out-of-area.protection@warwickshire.gov.uk"
)
# Team managers' dashboards (docs/dashboards.md): how much an open case weighs in a worker's
# caseload, by the level the team works at.
CASELOAD_LEVEL_WEIGHTS = {
    "EARLY_SUPPORT": env_int("CASELOAD_WEIGHT_EARLY_SUPPORT", 1, minimum=0),
    "FAMILY_HELP": env_int("CASELOAD_WEIGHT_FAMILY_HELP", 2, minimum=0),
    "IMMEDIATE_PROTECTION": env_int("CASELOAD_WEIGHT_CHILD_PROTECTION", 3, minimum=0),
}
# Feedback letters (letters/): the download link's lifetime, link or attachment, where the link
# points, and how the worker retries and recovers lost work.
LETTER_LINK_DAYS = env_int("LETTER_LINK_DAYS", 14, minimum=1)
LETTER_DELIVERY = env_str("LETTER_DELIVERY", "link")
if LETTER_DELIVERY not in {"link", "attachment"}:
    raise ConfigurationError(f"LETTER_DELIVERY must be link or attachment, not {LETTER_DELIVERY!r}")
LETTER_BASE_URL = env_str("LETTER_BASE_URL", "http://127.0.0.1:8000")
LETTER_MAX_FAILURES = env_int("LETTER_MAX_FAILURES", 3, minimum=1)
LETTER_RETRY_BASE_SECONDS = env_int("LETTER_RETRY_BASE_SECONDS", 30, minimum=0)
LETTER_LEASE_SECONDS = env_int("LETTER_LEASE_SECONDS", 60, minimum=5)
LETTER_SWEEP_SECONDS = env_int("LETTER_SWEEP_SECONDS", 60, minimum=1)
LETTER_SWEEP_GRACE_SECONDS = env_int("LETTER_SWEEP_GRACE_SECONDS", 120, minimum=1)

# Restricted records (people/restriction.py): a restriction is reviewed this many days after it
# is set, and a break-glass access lasts this many hours.
RESTRICTION_REVIEW_DAYS = env_int("RESTRICTION_REVIEW_DAYS", 90, minimum=1)
BREAK_GLASS_HOURS = env_int("BREAK_GLASS_HOURS", 4, minimum=1)

CELERY_BEAT_SCHEDULE = {
    "restriction-review-reminders": {
        "task": "people.tasks.restriction_review_remind",
        "schedule": 3600.0,
    },
    "consultation-clock-sweep": {
        "task": "referrals.tasks.consultation_clock_sweep",
        "schedule": 300.0,
    },
    "protection-clock-sweep": {
        "task": "protection.tasks.protection_clock_sweep",
        "schedule": 900.0,
    },
    "letters-sweep": {
        "task": "letters.tasks.letters_sweep",
        "schedule": float(LETTER_SWEEP_SECONDS),
    },
    "assessment-due-warnings": {
        "task": "pathway.tasks.assessments_due_warn",
        "schedule": 3600.0,
    },
    "plans-overdue-reviews": {
        "task": "plans.tasks.plan_reviews_overdue_warn",
        "schedule": 3600.0,
    },
    "dashboards-contact-days": {
        "task": "dashboards.tasks.contact_days_refresh",
        "schedule": 900.0,
    },
}

# Plans (plans/, docs/plans.md): how often each level's plan is reviewed.
PLAN_REVIEW_WEEKS_EARLY_SUPPORT = env_int("PLAN_REVIEW_WEEKS_EARLY_SUPPORT", 4, minimum=1)
PLAN_FIRST_REVIEW_MONTHS_FAMILY_HELP = env_int("PLAN_FIRST_REVIEW_MONTHS_FAMILY_HELP", 3, minimum=1)
PLAN_REVIEW_MONTHS_FAMILY_HELP = env_int("PLAN_REVIEW_MONTHS_FAMILY_HELP", 6, minimum=1)
PLAN_SEND_MAX_FAILURES = env_int("PLAN_SEND_MAX_FAILURES", 3, minimum=1)
PLAN_SEND_RETRY_SECONDS = env_int("PLAN_SEND_RETRY_SECONDS", 30, minimum=0)
PLAN_SEND_STALLED_MINUTES = env_int("PLAN_SEND_STALLED_MINUTES", 10, minimum=1)

# Email: to files under var/ by default; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Family Connect <familyconnect@warwickshire.gov.uk>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_SECONDS", 10, minimum=1)
elif env_str("EMAIL_BACKEND") == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "sent-mail"

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "familyfirst.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # WeasyPrint logs every step of every letter at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
