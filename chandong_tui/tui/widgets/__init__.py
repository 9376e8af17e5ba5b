"""Widgets of the interface (one class per module)."""
