"""patrols office pages."""
