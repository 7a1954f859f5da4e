"""The stage gates and the stages configuration, without a database."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesflow.workflow.errors import ConfigurationError
from salesflow.workflow.stage_config import default_stages, parse_stages
from salesflow.workflow.stage_gates import GateFacts, missing_for


def test_default_stages_follow_the_spec() -> None:
    config = default_stages()
    assert [(s.code, s.probability) for s in config.stages] == [
        ("new", 10), ("contacted", 20), ("qualified", 30), ("proposal", 50),
        ("negotiation", 70), ("contract", 90), ("won", 100), ("lost", 0),
    ]  # fmt: skip
    assert (config.won, config.lost) == ("won", "lost")
    assert config.next_after("new") == "contacted"
    assert config.next_after("contract") == "won"
    assert config.next_after("won") is None


def test_gates_list_everything_missing() -> None:
    empty = GateFacts()
    assert missing_for("new", empty) == []
    assert len(missing_for("contacted", empty)) == 1
    assert missing_for("contacted", GateFacts(activities=1)) == []
    qualified = missing_for("qualified", empty)
    assert len(qualified) == 2
    assert any("grade" in item for item in qualified)
    assert any("need" in item for item in qualified)
    assert missing_for("qualified", GateFacts(grade="A", need="ERP")) == []
    assert missing_for("qualified", GateFacts(grade="A", need="  ")) != []
    assert "proposal" in missing_for("proposal", empty)[0]
    assert missing_for("proposal", GateFacts(proposal=True)) == []
    assert "quote send" in missing_for("negotiation", empty)[0]
    assert "quote" in missing_for("contract", empty)[0]
    assert "contract" in missing_for("won", empty)[0]
    assert missing_for("lost", empty) != []
    assert missing_for("lost", GateFacts(lost_reason="price")) == []


GOOD = """
[[stages]]
code = "new"
probability = 10
[[stages]]
code = "won"
probability = 100
won = true
[[stages]]
code = "lost"
probability = 0
lost = true
"""


def test_an_override_may_drop_stages() -> None:
    config = parse_stages(GOOD, source="/etc/stages.toml")
    assert config.codes == ("new", "won", "lost")
    assert config.next_after("new") == "won"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("stages = 3", "stages"),
        ("other = 1\n" + GOOD, "other"),
        (GOOD + '[[stages]]\ncode = "new"\nprobability = 5\n', "stages[3].code"),
        (GOOD.replace('"new"', '"nope"'), "stages[0].code"),
        (GOOD.replace("probability = 10\n", "probability = 101\n"), "stages[0].probability"),
        (GOOD.replace("probability = 10\n", 'probability = "10"\n'), "stages[0].probability"),
        (GOOD.replace("won = true", ""), "stages.won"),
        (GOOD.replace("lost = true", "won = true"), "stages.won"),
        (GOOD.replace("lost = true", 'lost = "yes"'), "stages[2].lost"),
        (GOOD.replace("lost = true", "lost = true\ncolour = 1"), "stages[2].colour"),
        (GOOD.replace("probability = 10\n", ""), "stages[0].probability"),
        ("[[stages]\n", "not valid TOML"),
    ],
)
def test_bad_overrides_name_the_file_and_key(text: str, key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_stages(text, source="/etc/stages.toml")
    assert "/etc/stages.toml" in caught.value.message
    assert key in caught.value.message


def test_the_override_in_the_config_dir_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salesflow.workflow import stage_config

    path = tmp_path / "stages.toml"
    monkeypatch.setattr(stage_config, "override_path", lambda: path)
    assert stage_config.load_stages().source == "default"
    path.write_text(GOOD, encoding="utf-8")
    assert stage_config.load_stages().codes == ("new", "won", "lost")
