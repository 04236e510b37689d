"""Contacts: people at organisations, whose details are personal data."""
