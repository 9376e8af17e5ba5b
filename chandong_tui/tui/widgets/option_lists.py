"""Replacing the lines of an `OptionList` the way every list of the app does."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import OptionList
from textual.widgets.option_list import Option


def replace_options(listing: OptionList, options: Sequence[Option]) -> None:
    """Show `options` instead of the current lines, the cursor staying on the same line (by id) when
    it is still there, else on the first line that can be chosen."""
    current = listing.highlighted_option.id if listing.highlighted_option is not None else None
    listing.clear_options()
    listing.add_options(options)
    ids = [option.id for option in options]
    if current is not None and current in ids:
        listing.highlighted = ids.index(current)
    else:
        listing.highlighted = next((i for i, option in enumerate(options) if not option.disabled), None)
