"""training: programmes, sessions, enrolments, attendance per half-day, Pix validations

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = "0006"
branch_labels = None
depends_on = None

# The 16 Pix competences (refurb/core/pix.py), copied: a revision must not import the app.
PIX_CODES = ("'1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2', '3.3', '3.4', "
             "'4.1', '4.2', '4.3', '5.1', '5.2'")


def upgrade():
    op.create_table('training_programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('planned_sessions', sa.Integer(), nullable=False),
    sa.Column('hours_per_session', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('planned_sessions >= 1 AND planned_sessions <= 100', name=op.f('ck_training_programmes_planned_sessions_range')),
    sa.CheckConstraint('hours_per_session > 0 AND hours_per_session <= 12', name=op.f('ck_training_programmes_hours_per_session_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_training_programmes_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_programmes')),
    sa.UniqueConstraint('title', name=op.f('uq_training_programmes_title'))
    )
    op.create_table('training_programme_competences',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.CheckConstraint(f'code IN ({PIX_CODES})', name=op.f('ck_training_programme_competences_code_known')),
    sa.ForeignKeyConstraint(['programme_id'], ['training_programmes.id'], name=op.f('fk_training_programme_competences_programme_id_training_programmes')),
    sa.PrimaryKeyConstraint('programme_id', 'code', name=op.f('pk_training_programme_competences'))
    )
    op.create_table('training_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('group_name', sa.String(length=80), nullable=False),
    sa.Column('session_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('break_minutes', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=True),
    sa.Column('trainer_name', sa.String(length=120), nullable=False),
    sa.Column('topics', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_training_sessions_ends_after_start')),
    sa.CheckConstraint('break_minutes >= 0 AND break_minutes <= 240', name=op.f('ck_training_sessions_break_range')),
    sa.CheckConstraint("trainer_id IS NOT NULL OR trainer_name <> ''", name=op.f('ck_training_sessions_has_trainer')),
    sa.ForeignKeyConstraint(['programme_id'], ['training_programmes.id'], name=op.f('fk_training_sessions_programme_id_training_programmes')),
    sa.ForeignKeyConstraint(['trainer_id'], ['users.id'], name=op.f('fk_training_sessions_trainer_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_training_sessions_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_sessions'))
    )
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_sessions_session_date'), ['session_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_sessions_trainer_id'), ['trainer_id'], unique=False)
        batch_op.create_index('ix_training_sessions_programme_date', ['programme_id', 'session_date'], unique=False)

    op.create_table('training_session_competences',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.CheckConstraint(f'code IN ({PIX_CODES})', name=op.f('ck_training_session_competences_code_known')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_training_session_competences_session_id_training_sessions')),
    sa.PrimaryKeyConstraint('session_id', 'code', name=op.f('pk_training_session_competences'))
    )
    op.create_table('training_enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('group_name', sa.String(length=80), nullable=False),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('enrolled_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('certificate_number', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['training_programmes.id'], name=op.f('fk_training_enrolments_programme_id_training_programmes')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['beneficiaries.id'], name=op.f('fk_training_enrolments_beneficiary_id_beneficiaries')),
    sa.ForeignKeyConstraint(['enrolled_by_id'], ['users.id'], name=op.f('fk_training_enrolments_enrolled_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_enrolments')),
    sa.UniqueConstraint('programme_id', 'beneficiary_id', name='uq_training_enrolments_programme_beneficiary'),
    sa.UniqueConstraint('certificate_number', name=op.f('uq_training_enrolments_certificate_number'))
    )
    with op.batch_alter_table('training_enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_enrolments_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_enrolments_beneficiary_id'), ['beneficiary_id'], unique=False)

    op.create_table('training_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('half_day', sa.String(length=10), nullable=False),
    sa.Column('presence', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("half_day IN ('morning', 'afternoon')", name=op.f('ck_training_attendance_half_day_known')),
    sa.CheckConstraint("presence IN ('present', 'absent', 'excused')", name=op.f('ck_training_attendance_presence_known')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_training_attendance_session_id_training_sessions')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['beneficiaries.id'], name=op.f('fk_training_attendance_beneficiary_id_beneficiaries')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_training_attendance_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_attendance')),
    sa.UniqueConstraint('session_id', 'beneficiary_id', 'half_day', name='uq_training_attendance_session_beneficiary_half_day')
    )
    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.create_index('ix_training_attendance_beneficiary', ['beneficiary_id', 'presence'], unique=False)

    op.create_table('training_validations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint(f'code IN ({PIX_CODES})', name=op.f('ck_training_validations_code_known')),
    sa.CheckConstraint('level >= 1 AND level <= 8', name=op.f('ck_training_validations_level_range')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_training_validations_session_id_training_sessions')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['beneficiaries.id'], name=op.f('fk_training_validations_beneficiary_id_beneficiaries')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_training_validations_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_validations')),
    sa.UniqueConstraint('session_id', 'beneficiary_id', 'code', name='uq_training_validations_session_beneficiary_code')
    )
    with op.batch_alter_table('training_validations', schema=None) as batch_op:
        batch_op.create_index('ix_training_validations_beneficiary', ['beneficiary_id'], unique=False)


def downgrade():
    for table in ('training_validations', 'training_attendance', 'training_enrolments',
                  'training_session_competences', 'training_sessions',
                  'training_programme_competences', 'training_programmes'):
        op.drop_table(table)
