"""stock office pages."""
