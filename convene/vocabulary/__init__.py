"""Sectors, themes and size bands (data), and countries (pycountry)."""
