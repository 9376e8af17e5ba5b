"""Monthly figures and CSV exports (see the report issue). No Textual."""
