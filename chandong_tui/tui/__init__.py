"""The Textual interface: `ChandongApp` (app.py) and its screens, widgets and commands.

Only this package imports Textual; it reads and writes through `casework.CaseRepository`.
"""
