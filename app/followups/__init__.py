"""Follow-ups the server opens and moves on its own: the periodic sweep (``flask followups
sweep``) and the settling of the sweep's follow-ups when a late sync proves the work done.

The rules are ``sync.sweep`` (pure); ``facts`` reads what they need, ``actions`` carries
out what they decide, ``sweep`` runs them a site at a time, ``commands`` is the CLI.
"""
