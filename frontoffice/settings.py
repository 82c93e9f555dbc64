"""Settings of the front office, driven by the environment (django-environ).

With no variable set the project runs embedded: SQLite and Celery in eager
mode. ``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` turns on the
Celery broker and the shared cache.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")  # real environment variables still win

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "simple_history",
    "frontoffice.common",
    "sedi",
    "formazione",
    "sportelli",
    "consulenza",
    "reception",
    "sala",
    "reports",
]

MIDDLEWARE = [
    # Replays the public answers read by every hall display and phone.
    "frontoffice.common.public_cache.PublicAnswerMiddleware",
    # Reads the generation of the callers' scope once per request.
    "sedi.scope.ScopeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "frontoffice.common.middleware.PermissionsPolicyMiddleware",
    "frontoffice.common.hostile.HostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records the signed-in user as the author of every history row.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: it turns a login refused for too many failures into a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "frontoffice.urls"
WSGI_APPLICATION = "frontoffice.wsgi.application"
ASGI_APPLICATION = "frontoffice.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL when DATABASE_URL is set.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite ignores select_for_update: IMMEDIATE transactions take the write
    # lock at BEGIN, so concurrent writers queue (busy timeout) instead of
    # failing with "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }
    # Tests use a file next to the database, not memory: threads in the
    # concurrency tests and the live server must share it.
    _sqlite_path = Path(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {
        "NAME": str(_sqlite_path.with_name(f"test_{_sqlite_path.name}"))
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and Celery: Redis when REDIS_URL is set, otherwise local and eager.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "frontoffice",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL  # no broker: tasks run inline
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # every task must be idempotent
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = "Europe/Rome"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that cannot reach the broker gives up quickly and runs the
# task itself (frontoffice.common.queue.enqueue).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0}
CELERY_BEAT_SCHEDULE = {
    "consultation-backlog-flag": {
        "task": "consulenza.tasks.backlog_flag",
        # Hourly at minute 5 (Rome time); the job is idempotent, so the
        # repeated 02:05 of the autumn DST change is harmless.
        # https://crontab.guru/#5_*_*_*_*
        "schedule": crontab(minute=5),
    },
    "consultation-reminders": {
        "task": "consulenza.tasks.appointment_reminders_send",
        # Day-before reminders, hourly 08:15–19:15 Rome time; each is sent once.
        # https://crontab.guru/#15_8-19_*_*_*
        "schedule": crontab(minute=15, hour="8-19"),
    },
    "tickets-expire": {
        "task": "sportelli.tasks.tickets_expire",
        # Counters close at 12:30 Rome time (CELERY_TIMEZONE), Mon–Fri.
        # https://crontab.guru/#30_12_*_*_1-5
        "schedule": crontab(minute=30, hour=12, day_of_week="1-5"),
    },
    "training-plan-reminders": {
        "task": "formazione.tasks.plan_reminders_send",
        # Daily at 07:40 Rome time, outside the DST change hours; each plan
        # is reminded once.
        # https://crontab.guru/#40_7_*_*_*
        "schedule": crontab(minute=40, hour=7),
    },
    "personal-data-retention": {
        "task": "reception.tasks.personal_data_anonymise",
        # Daily at 04:10 Rome time, after the DST change hours; idempotent.
        # https://crontab.guru/#10_4_*_*_*
        "schedule": crontab(minute=10, hour=4),
    },
    "hall-clones-expire": {
        "task": "sala.tasks.counter_clones_expire",
        # Cloned counters end at the time the floor supervisor set: every
        # 5 minutes of the counters' morning, Mon–Fri (Rome time).
        # https://crontab.guru/#*/5_8-12_*_*_1-5
        "schedule": crontab(minute="*/5", hour="8-12", day_of_week="1-5"),
    },
    "hall-backlog-forecast": {
        "task": "sala.tasks.backlog_forecast_notify",
        # Hourly at minute 10, after the backlog job; each warning is sent
        # once, so the repeated 02:10 of the autumn DST change is harmless.
        # https://crontab.guru/#10_*_*_*_*
        "schedule": crontab(minute=10),
    },
    "reports-close-day": {
        "task": "reports.tasks.days_close_pending",
        # Nightly at 01:30 (Rome time): closes yesterday, any day left open
        # and the week before again (corrections); idempotent.
        # https://crontab.guru/#30_1_*_*_*
        "schedule": crontab(minute=30, hour=1),
    },
    "worker-heartbeat": {
        "task": "frontoffice.common.tasks.worker_heartbeat",
        # https://crontab.guru/#*_*_*_*_*
        "schedule": crontab(),
    },
}

# Anti-starvation: after this many priority calls in a row on a line, the
# oldest ordinary ticket goes next (0 turns the rule off).
TICKET_PRIORITY_STREAK = env.int("TICKET_PRIORITY_STREAK", default=3)

# Tickets one kiosk or reception desk may issue in a minute (0: no limit):
# nobody can use up a line's 999 daily numbers.
TICKET_ISSUE_RATE = env.int("TICKET_ISSUE_RATE", default=30)

# How long a public answer (hall display, virtual ticket) is kept when no
# event retires it and the cache is local to each process (no Redis): how long
# another process may keep the old generation. With Redis it bounds only each
# process's copy of a stored response (frontoffice/common/public_cache.py).
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=30 if REDIS_URL else 2)
# Tokens, roles, branches and lines kept in each process between requests
# (sedi/scope.py); only with a cache shared by every process.
SCOPE_CACHE_SECONDS = env.int("SCOPE_CACHE_SECONDS", default=300 if REDIS_URL else 0)
# A hall display and a virtual ticket change only with their branch's events
# and the hour: with Redis kept longer, never past the next hour
# (frontoffice/common/public_cache.py).
PUBLIC_EVENT_SECONDS = env.int("PUBLIC_EVENT_SECONDS", default=300)
# How long citizens' personal data (codice fiscale, names, contacts) are
# kept after an appointment, an escalation or a protocol registration.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=730)
# Days an intake search that found nothing is kept since last typed.
UNMATCHED_SEARCH_DAYS = env.int("UNMATCHED_SEARCH_DAYS", default=90)
# Rows cleared per transaction by the retention job.
PERSONAL_DATA_BATCH_SIZE = env.int("PERSONAL_DATA_BATCH_SIZE", default=500)

# Lifetime of an API token; a new one is issued at the next token login,
# and signing out of the pages revokes it.
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=12)

# How long the live part of a report (today's tickets, and any day not
# closed yet) is kept in the cache: a regional report over a year then reads
# only the daily summaries (0: computed at every request).
REPORTS_LIVE_CACHE_SECONDS = env.int("REPORTS_LIVE_CACHE_SECONDS", default=30)

# Days allowed to answer a complaint registered at reception.
COMPLAINT_REPLY_DAYS = env.int("COMPLAINT_REPLY_DAYS", default=30)

# Argon2 for new passwords; older hashes still verify and are upgraded.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login limits (django-axes), on the login page and the token endpoint alike:
# after LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair waits LOGIN_COOLOFF_MINUTES. A username that does not
# exist is counted the same way, so the answer tells nothing about it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "frontoffice.common.views.login_locked_out"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Italian first, English available; stored UTC.
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("Inglese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["frontoffice.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

# EMAIL_URL: smtp+tls://user:password@host:587 in production; the console
# backend prints e-mails in the embedded default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="frontoffice@localhost")

# HTTPS in production: behind a proxy that terminates TLS, set
# DJANGO_SECURE_PROXY_SSL_HEADER=1 (it sends X-Forwarded-Proto), then
# DJANGO_SSL_REDIRECT=1 and DJANGO_HSTS_SECONDS (e.g. 31536000).
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
# Staff sessions last a working day, not Django's two weeks.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_SECONDS", default=9 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): scripts, styles, fonts, media and
# requests only from this site; no inline script. Inline styles are allowed:
# Bootstrap Italia's components and htmx set style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page of this service uses.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), autoplay=(self)"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "frontoffice.common.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The browsable API only in development: production answers JSON.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_PARSER_CLASSES": [
        "frontoffice.common.hostile.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "frontoffice.common.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "frontoffice.common.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Front office API",
    "DESCRIPTION": "Sportelli a ciclo chiuso, consulenza su appuntamento, "
    "accoglienza e formazione (circolare 66/2012).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "frontoffice.common.schema.document_errors",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
