"""notifications: the outbox, deliveries, sites' channels, people's settings

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 18:00:00

``notifications``: one row per person to be told one thing, written in the transaction
of the event that caused it, claimed by ``flask notify run`` with a lease and retried with
back-off. ``notification_deliveries``: one row per notice and channel, unique, so a
notice is recorded sent once. ``notify_channels``: a site's group robots and mail
server, the webhook address and secret sealed with the data key. ``notify_settings``:
a person's muted channels, quiet hours and e-mail address. ``push_subscriptions``: a
phone's Web Push subscription, sealed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notify_channels',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), sa.ForeignKey('sites.id'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('secret', sa.String(length=255), nullable=True),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('notify_channels') as batch:
        batch.create_index(batch.f('ix_notify_channels_site_id'), ['site_id'], unique=False)
    op.create_table('notifications',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), sa.ForeignKey('sites.id'), nullable=False),
    sa.Column('user_id', sa.String(length=36), sa.ForeignKey('users.id'), nullable=False),
    sa.Column('event', sa.String(length=32), nullable=False),
    sa.Column('subject_type', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('msgid', sa.String(length=300), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('at_once', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('claimed_by', sa.String(length=80), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key'))
    with op.batch_alter_table('notifications') as batch:
        batch.create_index('ix_notifications_due', ['status', 'next_attempt_at'], unique=False)
        batch.create_index('ix_notifications_user_created', ['user_id', 'created_at'], unique=False)
        batch.create_index(batch.f('ix_notifications_site_id'), ['site_id'], unique=False)
    op.create_table('push_subscriptions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), sa.ForeignKey('users.id'), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('endpoint', sa.String(length=2000), nullable=False),
    sa.Column('p256dh', sa.String(length=255), nullable=False),
    sa.Column('auth', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('push_subscriptions') as batch:
        batch.create_index(batch.f('ix_push_subscriptions_user_id'), ['user_id'], unique=False)
    op.create_table('notification_deliveries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('notification_id', sa.String(length=36), sa.ForeignKey('notifications.id'), nullable=False),
    sa.Column('channel_id', sa.String(length=36), sa.ForeignKey('notify_channels.id'), nullable=True),
    sa.Column('subscription_id', sa.String(length=36), sa.ForeignKey('push_subscriptions.id'), nullable=True),
    sa.Column('idempotency_key', sa.String(length=36), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('notification_id', 'channel_id'),
    sa.UniqueConstraint('notification_id', 'subscription_id'))
    op.create_table('notify_settings',
    sa.Column('user_id', sa.String(length=36), sa.ForeignKey('users.id'), nullable=False),
    sa.Column('muted', sa.JSON(), nullable=False),
    sa.Column('quiet_start', sa.String(length=5), nullable=True),
    sa.Column('quiet_end', sa.String(length=5), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('user_id'))


def downgrade():
    op.drop_table('notify_settings')
    op.drop_table('notification_deliveries')
    op.drop_table('push_subscriptions')
    op.drop_table('notifications')
    op.drop_table('notify_channels')
