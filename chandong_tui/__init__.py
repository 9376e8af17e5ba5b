"""chandong: a keyboard-driven case-management tool for Seoul's 찾아가는 동주민센터."""

__version__ = "0.1.0"
