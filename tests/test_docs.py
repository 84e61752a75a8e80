"""Documentation is part of the contract: generated references are current, every setting and
command is documented, and the README gives the two commands."""

from pathlib import Path

from archivist import config
from archivist.reference import cli_reference, configuration_reference, connectors_reference

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current():
    assert (ROOT / "docs/cli.md").read_text() == cli_reference(), "run scripts/gen-docs"


def test_configuration_reference_is_current_and_lists_every_setting():
    text = (ROOT / "docs/configuration.md").read_text()
    assert text == configuration_reference(), "run scripts/gen-docs"
    for setting in config.SETTINGS:
        assert f"`{setting.name}`" in text


def test_connectors_reference_is_current_and_lists_every_option():
    from archivist.connectors import connector_types

    text = (ROOT / "docs/connectors.md").read_text()
    assert text == connectors_reference(), "run scripts/gen-docs"
    for kind in connector_types():
        for option in kind.options:
            assert f"`{option.name}`" in text


def test_every_setting_read_by_settings_py_is_declared():
    source = (ROOT / "src/archivist/settings.py").read_text()
    declared = {setting.name for setting in config.SETTINGS}
    import re

    used = set(re.findall(r'config\.\w+\("([A-Z_]+)"\)', source)) | set(
        re.findall(r'_env_has\("([A-Z_]+)"\)', source)
    )
    assert used <= declared


def test_readme_gives_the_run_and_test_commands():
    readme = (ROOT / "README.md").read_text()
    assert "scripts/run" in readme and "scripts/test" in readme
    assert "scripts/test" in (ROOT / ".ci/run").read_text()


def test_every_linked_doc_exists():
    readme = (ROOT / "README.md").read_text()
    import re

    for link in re.findall(r"\]\((docs/[^)]+)\)", readme):
        assert (ROOT / link).is_file(), link
