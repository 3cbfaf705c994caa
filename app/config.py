"""Configuration read from the environment, with safe defaults for a first start."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))


def private_instance() -> Path:
    """``instance/`` (keys, the SQLite database, photos) readable by the app's user only."""
    INSTANCE.mkdir(parents=True, exist_ok=True)
    INSTANCE.chmod(0o700)
    return INSTANCE


def private_sqlite_file(url: str) -> None:
    """Create the SQLite database file owner-only before SQLite creates it world-readable."""
    if not url.startswith("sqlite:///") or url in ("sqlite://", "sqlite:///:memory:"):
        return
    path = Path(url[len("sqlite:///"):])
    if not path.parent.is_dir():
        return
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    path.chmod(0o600)


def _secret_key() -> str:
    """Use SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    private_instance()
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        private_instance()
        return f"sqlite:///{INSTANCE / 'estate.db'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


# Where photos are kept, read from the environment: a directory, or an S3-compatible bucket.
PHOTO_STORE_SETTINGS = ("PHOTO_DIR", "PHOTO_STORE", "S3_ENDPOINT_URL", "S3_BUCKET", "S3_REGION",
                        "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_PREFIX",
                        "S3_ADDRESSING_STYLE", "S3_CONDITIONAL_PUT")
# Where a notification's link points (``https://estate.example.com``); a path alone when unset.
# Web Push: the VAPID private key (base64url, as ``vapid --gen`` or ``docs/notifications.md``
# makes it) and the contact the push services may write to; unset, phones are not offered it.
NOTIFY_SETTINGS = ("PUBLIC_URL", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT")


class Config:
    SECRET_KEY = None  # filled lazily by load_config so tests never touch instance/
    SQLALCHEMY_DATABASE_URI = None
    # hide_parameters: a failed statement's message never carries visitors' ID or phone numbers into logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ["zh_CN", "en"]
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    SYNC_MAX_MUTATIONS = 500
    SYNC_MAX_BYTES = 2 * 1024 * 1024
    PHOTO_MAX_BYTES = 5 * 1024 * 1024
    PHOTO_DIR = str(INSTANCE / "photos")
    PHOTO_STORE = "disk"  # or "s3": a bucket the S3_* variables name (app/photostore.py)
    # Sign-in throttling (app/auth/throttle.py), failures counted over the last 15 minutes:
    LOGIN_WINDOW_MINUTES = 15
    LOGIN_MAX_FAILURES = 5  # one username from one address: that address waits for that username
    LOGIN_MAX_FAILURES_ADDRESS = 30  # one address, any usernames: that address waits for every username
    LOGIN_MAX_FAILURES_USER = 10  # one username, any addresses: that username waits, at most the window
    LOGIN_KNOWN_DEVICE_DAYS = 90  # a browser that signed in as someone is spared the limit above
    DEVICE_TOKEN_DAYS = 30
    # Desktop sessions end after 30 minutes without a request, and 12 hours after sign-in.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", 30))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", 12))
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto (0: none, trust no header).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 0))
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")


def load_config(app, overrides: dict | None = None) -> None:
    """Apply Config, then the environment, then explicit overrides (tests)."""
    app.config.from_object(Config)
    overrides = overrides or {}
    if "SECRET_KEY" not in overrides:
        app.config["SECRET_KEY"] = _secret_key()
    if "SQLALCHEMY_DATABASE_URI" not in overrides:
        app.config["SQLALCHEMY_DATABASE_URI"] = _database_url()
    for name in PHOTO_STORE_SETTINGS + NOTIFY_SETTINGS:
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    app.config.update(overrides)
    # A signed session cookie is not accepted past the absolute limit either.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["SESSION_MAX_HOURS"])
    # Secure cookies whenever the deployment says it is served over HTTPS.
    if "SESSION_COOKIE_SECURE" not in overrides:
        app.config["SESSION_COOKIE_SECURE"] = app.config["PREFERRED_URL_SCHEME"] == "https"
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # PostgreSQL's JIT spends seconds compiling the office's aggregate queries, which
        # run in milliseconds without it (bench/README.md).
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {**options.get("connect_args", {}), "options": "-c jit=off"}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
