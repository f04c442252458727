"""Settings of a minimal Django project run against kuzugres (or PostgreSQL 15).

The server is chosen by environment variables: DJANGO_DB_PORT (required),
DJANGO_DB_USER (default postgres), DJANGO_DB_NAME (default kuzugres).
"""

import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "compat-test-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "shop",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

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
            ]
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": os.environ.get("DJANGO_DB_PORT", "5432"),
        "NAME": os.environ.get("DJANGO_DB_NAME", "kuzugres"),
        "USER": os.environ.get("DJANGO_DB_USER", "postgres"),
        "PASSWORD": "",
        # `manage.py test --keepdb` against a node: the node serves one database, so the
        # tests run in it (DJANGO_TEST_DB_NAME = the node's database name)
        "TEST": {"NAME": os.environ.get("DJANGO_TEST_DB_NAME")},
    }
}

# The admin's static files are not served in this test.
STATIC_URL = "/static/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
