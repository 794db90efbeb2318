"""beneficiaries: files, situations, document checks, policy versions, decisions, access log

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = "0005"
branch_labels = None
depends_on = None

APPEND_ONLY = ("eligibility_policies", "decisions", "access_log")


def protect_append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on `table` in the database itself (invariant 3).

    Same triggers as 0001 (copied: a revision must not import another). On PostgreSQL the
    shared function is created by 0001; CREATE OR REPLACE keeps this revision self-standing.
    """
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION refurb_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME; END; "
            "$$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refurb_refuse_change()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def unprotect_append_only(table: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # The function belongs to 0001 and other tables' triggers: only the trigger goes.
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


STATUSES = "'draft', 'submitted', 'approved', 'refused', 'waiting', 'served', 'closed'"
SITUATIONS = ("'rsa', 'young_mission_locale', 'pupil_in_household', 'senior', 'job_seeker', "
              "'disability', 'non_taxable'")


def upgrade():
    op.create_table('eligibility_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_eligibility_policies_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_policies')),
    sa.UniqueConstraint('version', name=op.f('uq_eligibility_policies_version'))
    )
    op.create_table('beneficiaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('last_name', sa.String(length=120), nullable=False),
    sa.Column('first_name', sa.String(length=120), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('address_line', sa.String(length=300), nullable=False),
    sa.Column('postal_code', sa.String(length=10), nullable=False),
    sa.Column('commune', sa.String(length=120), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('uai', sa.String(length=8), nullable=True),
    sa.Column('rna', sa.String(length=10), nullable=True),
    sa.Column('school_level', sa.String(length=20), nullable=False),
    sa.Column('programme', sa.String(length=120), nullable=True),
    sa.Column('adults', sa.Integer(), nullable=False),
    sa.Column('children', sa.Integer(), nullable=False),
    sa.Column('children_with_disability', sa.Integer(), nullable=False),
    sa.Column('single_parent', sa.Boolean(), nullable=False),
    sa.Column('member_with_disability', sa.Boolean(), nullable=False),
    sa.Column('income_basis', sa.String(length=3), nullable=True),
    sa.Column('stated_quotient', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('annual_income', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('tax_parts', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('monthly_benefits', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('qf_band', sa.String(length=16), nullable=False),
    sa.Column('has_computer', sa.Boolean(), nullable=False),
    sa.Column('last_device_received_on', sa.Date(), nullable=True),
    sa.Column('referred_by', sa.String(length=24), nullable=False),
    sa.Column('referrer_detail', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('approved_until', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('last_contact_at', sa.DateTime(), nullable=False),
    sa.Column('anonymised_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('household', 'pupil', 'school', 'association')", name=op.f('ck_beneficiaries_kind_known')),
    sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f('ck_beneficiaries_status_known')),
    sa.CheckConstraint("referred_by = '' OR referred_by IN ('ccas', 'mission_locale', 'school_social_worker', 'association', 'self', 'other')", name=op.f('ck_beneficiaries_referred_by_known')),
    sa.CheckConstraint("income_basis IS NULL OR income_basis IN ('caf', 'rfr')", name=op.f('ck_beneficiaries_income_basis_known')),
    sa.CheckConstraint('adults >= 1 AND children >= 0 AND children_with_disability >= 0 AND children_with_disability <= children', name=op.f('ck_beneficiaries_composition_valid')),
    sa.CheckConstraint("status <> 'approved' OR (approved_on IS NOT NULL AND approved_until IS NOT NULL)", name=op.f('ck_beneficiaries_approval_dated')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_beneficiaries_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_beneficiaries')),
    sa.UniqueConstraint('pseudonym', name=op.f('uq_beneficiaries_pseudonym'))
    )
    with op.batch_alter_table('beneficiaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_beneficiaries_commune'), ['commune'], unique=False)
        batch_op.create_index(batch_op.f('ix_beneficiaries_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_beneficiaries_last_contact_at'), ['last_contact_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_beneficiaries_qf_band'), ['qf_band'], unique=False)
        batch_op.create_index(batch_op.f('ix_beneficiaries_uai'), ['uai'], unique=False)
        batch_op.create_index('ix_beneficiaries_waiting', ['status', 'priority', 'submitted_on'], unique=False)

    op.create_table('beneficiary_situations',
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('situation', sa.String(length=24), nullable=False),
    sa.CheckConstraint(f"situation IN ({SITUATIONS})", name=op.f('ck_beneficiary_situations_situation_known')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['beneficiaries.id'], name=op.f('fk_beneficiary_situations_beneficiary_id_beneficiaries')),
    sa.PrimaryKeyConstraint('beneficiary_id', 'situation', name=op.f('pk_beneficiary_situations'))
    )
    with op.batch_alter_table('beneficiary_situations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_beneficiary_situations_situation'), ['situation'], unique=False)

    op.create_table('document_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('tax_notice', 'caf_certificate', 'proof_of_address', 'other')", name=op.f('ck_document_checks_kind_known')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['beneficiaries.id'], name=op.f('fk_document_checks_beneficiary_id_beneficiaries')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_document_checks_checked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_checks'))
    )
    with op.batch_alter_table('document_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_checks_beneficiary_id'), ['beneficiary_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('policy_version', sa.Integer(), nullable=False),
    sa.Column('evaluation', sa.JSON(), nullable=True),
    sa.Column('override', sa.Boolean(), nullable=False),
    sa.CheckConstraint(f"to_status IN ({STATUSES})", name=op.f('ck_decisions_to_status_known')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_decisions_actor_id_users')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['beneficiaries.id'], name=op.f('fk_decisions_beneficiary_id_beneficiaries')),
    sa.ForeignKeyConstraint(['policy_version'], ['eligibility_policies.version'], name=op.f('fk_decisions_policy_version_eligibility_policies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index('ix_decisions_beneficiary_time', ['beneficiary_id', 'occurred_at'], unique=False)

    op.create_table('access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('beneficiary_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('detail', sa.String(length=40), nullable=False),
    sa.CheckConstraint("action IN ('view', 'edit', 'export', 'anonymise')", name=op.f('ck_access_log_action_known')),
    sa.ForeignKeyConstraint(['beneficiary_id'], ['beneficiaries.id'], name=op.f('fk_access_log_beneficiary_id_beneficiaries')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_log_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index('ix_access_log_beneficiary_time', ['beneficiary_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_user_id'), ['user_id'], unique=False)

    for table in APPEND_ONLY:
        protect_append_only(table)


def downgrade():
    for table in APPEND_ONLY:
        unprotect_append_only(table)
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_user_id'))
        batch_op.drop_index('ix_access_log_beneficiary_time')
    op.drop_table('access_log')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_beneficiary_time')
    op.drop_table('decisions')
    with op.batch_alter_table('document_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_checks_beneficiary_id'))
    op.drop_table('document_checks')
    with op.batch_alter_table('beneficiary_situations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_beneficiary_situations_situation'))
    op.drop_table('beneficiary_situations')
    with op.batch_alter_table('beneficiaries', schema=None) as batch_op:
        batch_op.drop_index('ix_beneficiaries_waiting')
        batch_op.drop_index(batch_op.f('ix_beneficiaries_uai'))
        batch_op.drop_index(batch_op.f('ix_beneficiaries_qf_band'))
        batch_op.drop_index(batch_op.f('ix_beneficiaries_last_contact_at'))
        batch_op.drop_index(batch_op.f('ix_beneficiaries_kind'))
        batch_op.drop_index(batch_op.f('ix_beneficiaries_commune'))
    op.drop_table('beneficiaries')
    op.drop_table('eligibility_policies')
