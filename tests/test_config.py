import os
from pathlib import Path

import pytest

from article_fixtures import TINY_CONFIG
from unspun.config import Settings, describe_settings, load_settings
from unspun.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("UNSPUN_"):
            monkeypatch.delenv(name)


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "unspun.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_load_settings_defaults() -> None:
    settings = load_settings()
    assert settings == Settings()
    assert settings.max_input_mb == 10.0
    assert settings.model is None
    assert settings.batch_size == 8
    assert settings.max_input_bytes == 10 * 1024 * 1024


def test_load_settings_precedence_default_file_env_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, '[unspun]\nbatch_size = 4\nmodel = "from-file"\nmax_input_mb = 2\n')
    from_file = load_settings(config)
    assert (from_file.batch_size, from_file.model, from_file.max_input_mb) == (4, "from-file", 2.0)
    assert from_file.article_model is None  # not in the file: the default stays

    monkeypatch.setenv("UNSPUN_BATCH_SIZE", "16")
    monkeypatch.setenv("UNSPUN_MODEL", "from-env")
    from_env = load_settings(config)
    assert (from_env.batch_size, from_env.model, from_env.max_input_mb) == (16, "from-env", 2.0)

    overridden = load_settings(config, batch_size=32, model=None, max_input_mb=0.5)
    assert (overridden.batch_size, overridden.model, overridden.max_input_mb) == (32, "from-env", 0.5)


def test_load_settings_empty_env_unsets_optional(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path, '[unspun]\narticle_model = "x"\n')
    monkeypatch.setenv("UNSPUN_ARTICLE_MODEL", "")
    assert load_settings(config).article_model is None


def test_load_settings_bad_env_value_names_setting_and_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNSPUN_BATCH_SIZE", "lots")
    with pytest.raises(ConfigError, match="batch_size.*UNSPUN_BATCH_SIZE.*whole number"):
        load_settings()


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_load_settings_rejects_non_positive_size(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("UNSPUN_MAX_INPUT_MB", value)
    with pytest.raises(ConfigError, match="max_input_mb.*UNSPUN_MAX_INPUT_MB"):
        load_settings()


def test_load_settings_bad_file_value_names_file(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[unspun]\nbatch_size = "eight"\n')
    with pytest.raises(ConfigError, match=r"batch_size.*unspun\.toml"):
        load_settings(config)


def test_load_settings_rejects_bool_and_float_for_int(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="batch_size"):
        load_settings(write_config(tmp_path, "[unspun]\nbatch_size = true\n"))
    with pytest.raises(ConfigError, match="batch_size"):
        load_settings(write_config(tmp_path, "[unspun]\nbatch_size = 2.5\n"))


def test_load_settings_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown setting 'batchsize'.*batch_size"):
        load_settings(write_config(tmp_path, "[unspun]\nbatchsize = 2\n"))
    with pytest.raises(ConfigError, match="unknown setting 'colour'.*command line"):
        load_settings(colour="red")


def test_load_settings_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write_config(tmp_path, "[unspun\n"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_load_settings_ignores_other_tables(tmp_path: Path) -> None:
    config = write_config(tmp_path, "[tool.other]\nbatch_size = 99\n")
    assert load_settings(config).batch_size == 8


def test_describe_settings_lists_every_field_with_default_and_help() -> None:
    described = describe_settings()
    assert [name for name, _, _ in described] == list(Settings.model_fields)
    defaults = Settings()
    for name, default, help_text in described:
        assert default == getattr(defaults, name)
        assert help_text.strip()


def test_settings_written_outside_the_unspun_table_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"batch_size outside an \[unspun\] table"):
        load_settings(write_config(tmp_path, "batch_size = 2\n"))
    assert load_settings(write_config(tmp_path, "# nothing set yet\n")) == load_settings()


def test_settings_are_frozen_and_validated_like_any_layer() -> None:
    from pydantic import ValidationError

    settings = load_settings(batch_size=3)
    with pytest.raises(ValidationError):
        settings.batch_size = 4  # type: ignore[misc]
    assert settings.model_copy(update={"batch_size": 4}).batch_size == 4


def test_layered_names_the_layer_of_a_bad_value() -> None:
    from unspun.config import layered

    layers = [("file a", {"batch_size": 4}, False), ("variable B", {"batch_size": "5"}, True)]
    assert layered(Settings, layers).batch_size == 5
    with pytest.raises(ConfigError, match="batch_size from file c must be a whole number, got '6'"):
        layered(Settings, [*layers, ("file c", {"batch_size": "6"}, False)])  # text only from the env
    with pytest.raises(ConfigError, match="max_input_mb from variable D must be greater than 0"):
        layered(Settings, [("variable D", {"max_input_mb": "-2"}, True)])


def test_an_override_with_a_flag_is_named_by_its_flag() -> None:
    # QA s48: `unspun analyze --max-input-mb 0` was told of "setting max_input_mb from the command
    # line (or the Python call) must be greater than 0.0".
    with pytest.raises(ConfigError, match=r"^--max-input-mb must be greater than 0, got 0$"):
        load_settings(max_input_mb=0.0, flags={"max_input_mb": "--max-input-mb"})
    with pytest.raises(
        ConfigError, match=r"^setting max_input_mb from the command line .* than 0, got -1\.5$"
    ):
        load_settings(max_input_mb=-1.5)  # a Python caller is told the setting
    assert load_settings(batch_size=3, flags={"max_input_mb": "--max-input-mb"}).batch_size == 3


@pytest.mark.parametrize("name", ["ptc-minilm", "ptc-minilm-distilled", "ptc-mpnet-teacher"])
def test_every_shipped_span_recipe_passes_its_model(name: str) -> None:
    from unspun.paths import packaged_configs_dir
    from unspun.training.train_spans import load_config

    recipe = load_config(packaged_configs_dir() / f"{name}.toml")
    assert recipe["model"]["base_model"] and recipe["training"]["epochs"] >= 1


def test_a_mistyped_or_unknown_recipe_key_is_named_with_its_file(tmp_path: Path) -> None:
    from unspun.paths import packaged_configs_dir
    from unspun.training.train_semeval2023 import load_config as load_article_recipe
    from unspun.training.train_spans import load_config

    spans = packaged_configs_dir() / "ptc-minilm.toml"
    with pytest.raises(ConfigError, match=r"ptc-minilm\.toml: unknown key training\.epoch;"):
        load_config(spans, {"training.epoch": 2})  # an --set typo no longer passes silently
    with pytest.raises(ConfigError, match=r"training\.epochs .*integer, got 'two'"):
        load_config(spans, {"training.epochs": "two"})
    with pytest.raises(ConfigError, match=r"decoding\.threshold .*less than or equal to 1"):
        load_config(spans, {"decoding.threshold": 1.5})
    article = (packaged_configs_dir() / "semeval2023.toml").read_text(encoding="utf-8")
    broken = tmp_path / "a.toml"
    broken.write_text(article.replace("min_positives", "min_positive", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[frames\] in .*a\.toml needs min_positives"):
        load_article_recipe(broken)
    broken.write_text(article.replace("[encoder]", "[encoders]", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"has no \[encoder\] section"):
        load_article_recipe(broken)
    broken.write_text(article.replace("c = 4.0", "c = 4.0\nngrams = 2", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"a\.toml: unknown key \w+\.ngram\.ngrams"):
        load_article_recipe(broken)
    broken.write_text(TINY_CONFIG + '[genre.extra]\nlabels = "x.tsv"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[genre\.extra\] in .* needs documents"):
        load_article_recipe(broken)
    assert load_article_recipe(packaged_configs_dir() / "semeval2023.toml")["data"]["folds"] >= 2


def test_a_front_end_section_is_left_to_it_and_an_unknown_one_refused(tmp_path: Path) -> None:
    from unspun.config import ModelSettings, load, setting

    class FrontEnd(ModelSettings):
        port: int = setting(8000, "A port.", positive=True, at_most=65535)

    body = "[unspun]\nbatch_size = 4\nmax_input_mb = 2\n\n[unspun.server]\nport = 9000\n"
    config = write_config(tmp_path, body)
    assert load_settings(config).batch_size == 4  # the general settings ignore [unspun.server]
    front = load(FrontEnd, config, section="server")
    assert (front.port, front.batch_size) == (9000, 4)  # its own table, and the shared settings
    with pytest.raises(
        ConfigError, match=r"port from config file .*\[unspun\.server\] must be at most 65535"
    ):
        load(FrontEnd, write_config(tmp_path, "[unspun.server]\nport = 70000\n"), section="server")
    with pytest.raises(ConfigError, match=r"unknown section \[unspun\.sever\].*\[unspun\.server\]"):
        load_settings(write_config(tmp_path, "[unspun.sever]\nport = 1\n"))
    with pytest.raises(ConfigError, match="batchsize"):  # the general table is checked for a front-end too
        load(FrontEnd, write_config(tmp_path, "[unspun]\nbatchsize = 1\n"), section="server")


def test_a_server_setting_under_the_general_table_says_where_it_goes(tmp_path: Path) -> None:
    # `port = 8080` under [unspun] (docs/api.md puts it under [unspun.server]) was refused as an
    # unknown setting, listing the general ones, with no word of the table it belongs in.
    from unspun.config import ModelSettings, load, setting

    class FrontEnd(ModelSettings):  # as the server's settings are: its own fields, and the shared ones
        port: int = setting(8000, "A port.", positive=True, at_most=65535)

    config = write_config(tmp_path, "[unspun]\nbatch_size = 4\nport = 8080\n")
    with pytest.raises(
        ConfigError, match=r"sets port in \[unspun\].*under a line \[unspun\.server\]"
    ) as refused:
        load(FrontEnd, config, section="server")
    assert "\n" not in str(refused.value)
    moved = load(
        FrontEnd,
        write_config(tmp_path, "[unspun]\nbatch_size = 4\n\n[unspun.server]\nport = 8080\n"),
        section="server",
    )
    assert (moved.port, moved.batch_size) == (8080, 4)
