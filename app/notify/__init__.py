"""Notifications: an outbox written with each event, a worker that sends it, the sites'
channels and each person's list (``docs/notifications.md``)."""
