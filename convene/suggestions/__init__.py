"""Suggestions: feeding the matching library from the database and storing what it ranks."""
