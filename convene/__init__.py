"""Convene: stakeholder matching for responsible-business networks."""

__version__ = "0.1.0"
