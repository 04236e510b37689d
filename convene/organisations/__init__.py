"""Organisations and their relationships: the network graph's nodes and edges."""
