"""Extension objects, created unbound and attached to the app in ``create_app``."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_caching import Cache
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.model import Model as FlaskModel
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from campaigns.csrf import MaskedCSRFProtect

#: Stable constraint names, so that migrations can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:

    class Model(FlaskModel, Base):
        """What the type checker sees as ``db.Model``: a class built at run time on the ``db``
        object, which it cannot use as a base class."""

else:
    #: The base class of every model.
    Model = db.Model
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = MaskedCSRFProtect()
babel = Babel()
login_manager = LoginManager()
#: Rendered public pages (see :mod:`campaigns.caching`): Redis in production, this
#: process's memory by default.
cache = Cache()
