"""complaints office pages."""
