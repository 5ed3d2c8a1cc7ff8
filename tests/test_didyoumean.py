"""Did-you-mean for field names (generator/model/didyoumean.py): an editor writes a field in
Chinese or misspells it, and the message names the field they meant."""

from __future__ import annotations

from generator.model import didyoumean
from generator.model.didyoumean import nearest_field

VOICE_FIELDS = ("title", "date", "session", "speaker", "topics", "summary")


def test_a_chinese_field_name_or_a_slip_is_answered_with_the_field():
    assert nearest_field("发言人", VOICE_FIELDS) == "speaker"
    assert nearest_field("sesion", VOICE_FIELDS) == "session"
    assert nearest_field("Title", VOICE_FIELDS) == "title"
    assert nearest_field("地点", VOICE_FIELDS) is None  # sessions' place: no such field for a voice


def test_a_chinese_name_two_kinds_spell_differently_suggests_the_one_the_kind_has(monkeypatch):
    """ARCHITECTURE.md's walk-through adds voices' venue (地点), which sessions call place."""
    monkeypatch.setitem(didyoumean.CHINESE_FIELDS, "地点", ("place", "venue"))
    assert nearest_field("地点", VOICE_FIELDS + ("venue",)) == "venue"
    assert nearest_field("地点", ("title", "place", "start")) == "place"
    assert nearest_field("地点", VOICE_FIELDS) is None
