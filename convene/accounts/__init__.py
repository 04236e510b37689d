"""Users, passwords and (in later work) sessions and tokens."""
