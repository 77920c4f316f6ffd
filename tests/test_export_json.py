"""JSON export and its schema."""

from __future__ import annotations

import json

from assistant.domain.postmortem import ActionItem, Postmortem
from assistant.export.jsonexport import postmortem_schema, render_json


def test_json_round_trips_hostile_text() -> None:
    pm = Postmortem(action_items=[ActionItem(id="a", action='quote " backslash \\ newline \n <b> \u202e')])
    text = render_json(pm)
    assert text.endswith("}\n")
    assert Postmortem.model_validate_json(text) == pm
    assert json.loads(text)["action_items"][0]["action"] == pm.action_items[0].action


def test_schema_describes_the_document() -> None:
    schema = postmortem_schema()
    json.dumps(schema)  # serialisable as is
    assert schema["title"] == "Postmortem"
    assert {"details", "action_items", "root_cause", "windows"} <= set(schema["properties"])
    assert "ActionItem" in schema["$defs"]
