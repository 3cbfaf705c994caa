"""gate office pages."""
