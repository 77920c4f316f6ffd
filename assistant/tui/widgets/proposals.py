"""The proposals list: items grouped by kind, with review status and flags on every entry."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from assistant.domain.postmortem import Postmortem
from assistant.tui.format import group_header, grouped_items, item_prompt


class ProposalList(OptionList):
    """Group titles are disabled options, so the cursor only ever rests on an item."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Evidence", tooltip="Show (and play) what was said"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, *, id: str | None = None, empty_text: str = "No proposals yet.") -> None:
        super().__init__(id=id, markup=False)
        self.empty_text = empty_text

    @property
    def current_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None and not option.disabled else None

    def show(self, pm: Postmortem, *, fresh: Collection[str] = (), keep: str | None = None) -> None:
        """Rebuild from `pm`, keeping the cursor on `keep` (default: the current item) if it still exists."""
        keep = keep if keep is not None else self.current_id
        options: list[Option] = []
        for group in grouped_items(pm):
            options.append(Option(group_header(group, pm), id=f"group-{group.kind}", disabled=True))
            options.extend(Option(item_prompt(i, fresh=i.id in fresh), id=i.id) for i in group.items)
        if not options:
            options.append(Option(self.empty_text, id="empty", disabled=True))
        # Keep the scroll position: a rebuild after every proposal must not jump the view around.
        scroll_y = self.scroll_y
        self.set_options(options)
        self.scroll_to(y=scroll_y, animate=False, immediate=True)
        self.move_to(keep)

    def move_to(self, item_id: str | None) -> None:
        """Put the cursor on `item_id`, or the first item when it is gone."""
        ids = [o.id for o in self.options if not o.disabled]
        if not ids:
            self.highlighted = None
            return
        target = item_id if item_id in ids else ids[0]
        assert target is not None
        self.highlighted = self.get_option_index(target)

    def advance(self) -> None:
        """Cursor to the next item (after a decision: keyboard review is a walk down the list)."""
        self.action_cursor_down()
