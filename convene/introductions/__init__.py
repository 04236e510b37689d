"""Introduction requests: double opt-in with coordinator approval, and their audit trail."""
