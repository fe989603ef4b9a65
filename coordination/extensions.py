"""Extension objects, created unbound; create_app() binds them to an app."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
# No default limits: only the routes that need throttling (login, token use) declare one.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()
migrate = Migrate()
