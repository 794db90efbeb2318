"""security: Windows licence keys encrypted at rest

Revision ID: 0011_security_licence_keys
Revises: 0011_security_append_only

The column grows to hold a Fernet token; keys stored in clear are encrypted with the
application's data key (DATA_ENCRYPTION_KEY or instance/data_key). This revision imports
refurb.secret_box on purpose: the key must be found exactly where the application finds it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_security_licence_keys"
down_revision = "0011_security_append_only"
branch_labels = None
depends_on = None

installs = sa.table("software_installs", sa.column("id", sa.Integer),
                    sa.column("licence_key", sa.String))


def _rewrite(change) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(installs.c.id, installs.c.licence_key)
                        .where(installs.c.licence_key.is_not(None))).all()
    for row_id, value in rows:
        new = change(value)
        if new != value:
            bind.execute(installs.update().where(installs.c.id == row_id)
                         .values(licence_key=new))


def encrypt_clear_keys() -> None:
    from refurb import secret_box

    _rewrite(lambda v: v if secret_box.is_token(v) else secret_box.encrypt(v))


def decrypt_keys() -> None:
    from refurb import secret_box

    _rewrite(lambda v: secret_box.decrypt(v) if secret_box.is_token(v) else v)


def upgrade():
    with op.batch_alter_table("software_installs") as batch:
        batch.alter_column("licence_key", type_=sa.String(length=255),
                           existing_type=sa.String(length=64), existing_nullable=True)
    encrypt_clear_keys()


def downgrade():
    decrypt_keys()
    with op.batch_alter_table("software_installs") as batch:
        batch.alter_column("licence_key", type_=sa.String(length=64),
                           existing_type=sa.String(length=255), existing_nullable=True)
