"""Visitors' personal data (PIPL): keys, encryption at rest, keyed lookups."""
