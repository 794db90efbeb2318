"""Flask extensions, created unbound and initialised in create_app()."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from wtforms.csrf.core import CSRFTokenField
from wtforms.widgets import HiddenInput

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


class _HiddenInputWithoutId(HiddenInput):
    """The CSRF token of every form on a page has the same name: with an id (the name) it
    would repeat that id once per form. Nothing points at the token by id."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", False)  # html_params leaves False attributes out
        return super().__call__(field, **kwargs)


CSRFTokenField.widget = _HiddenInputWithoutId()
