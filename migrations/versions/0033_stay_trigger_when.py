"""A large import's write costs PostgreSQL less: the stay trigger fires for state changes only.

Revision ID: 0033_stay_trigger_when
Revises: 0032_config_stamp

`device_events_record_stay` ran its function for every new event, to return at once for all but
the transitions that leave a state (a device's first event, `received`, leaves none): 40,000
function calls, queued until the end of each statement, for an import that records no stay. The
trigger now says so in its WHEN clause, as the SQLite one already does; what it records is
unchanged.
"""

from alembic import op

revision = "0033_stay_trigger_when"
down_revision = "0032_config_stamp"
branch_labels = None
depends_on = None

TRIGGER = ("CREATE TRIGGER device_events_record_stay AFTER INSERT ON device_events "
           "FOR EACH ROW {when}EXECUTE FUNCTION refurb_record_stay()")
WHEN = "WHEN (NEW.kind = 'transition' AND NEW.from_state IS NOT NULL) "


def _recreate(when: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite's trigger has had the WHEN clause from the start
    op.execute("DROP TRIGGER device_events_record_stay ON device_events")
    op.execute(TRIGGER.format(when=when))


def upgrade():
    _recreate(WHEN)


def downgrade():
    _recreate("")
