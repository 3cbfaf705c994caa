"""Monthly reports the service centre owes the company (月底上报), built from what was synced."""
