"""The generated reference pages cover every declaration: nothing can be left out or drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import REPO, build_in_process, write_project

from sphinxcontrib_dep.core import config, diagnostics, parsing
from sphinxcontrib_dep.sphinx.autodoc import load_examples, toml_value

CONF = 'project = "t"\nextensions = ["sphinxcontrib_dep", "sphinxcontrib_dep.sphinx.autodoc"]\n'
CASES = REPO / "tests" / "fixtures" / "bad" / "cases.toml"


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("reference")
    pages = {
        "settings.md": "# Settings\n\n```{dep-settings-reference}\n```\n",
        "warnings.md": "# Warnings\n\n```{dep-warnings-reference}\n:examples: cases.toml\n```\n",
        "cases.toml": CASES.read_text(),
        "directives.md": "# Directives\n\n```{dep-directives-reference}\n```\n",
        "settings_rst.rst": "Settings\n========\n\n.. dep-settings-reference::\n   :no-index:\n",
    }
    docs = [name.rsplit(".", 1)[0] for name in pages if name.endswith((".md", ".rst"))]
    index = "# Reference\n\n```{toctree}\n" + "\n".join(docs) + "\n```\n"
    src = write_project(root / "src", {**pages, "index.md": index}, conf=CONF)
    build = build_in_process(src, root / "out")
    assert build.warnings == []
    return {name: (build.outdir / f"{name}.html").read_text() for name in docs}


def text_of(html: str) -> str:
    """The page's text: tags dropped, entities and typographic quotes undone."""
    import html as html_module

    text = html_module.unescape(re.sub(r"<[^>]+>", "", html))
    return text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')


def test_every_setting_is_documented_with_type_default_and_help(reference: dict[str, str]) -> None:
    for page in ("settings", "settings_rst"):
        html = reference[page]
        text = " ".join(text_of(html).split())
        for setting in config.settings():
            assert (f'id="confval-dep_{setting.name}"' in html) is (page == "settings"), setting.name
            assert f"dep_{setting.name}" in text
            default = setting.default_value()
            help_text = " ".join(re.sub(r"``([^`]*)``", r"\1", setting.help).split())
            assert help_text in text, setting.name
            assert f"Default: {default!r}" in text.replace("Default:  ", "Default: "), setting.name
            assert f"{setting.name} = {toml_value(default)}" in text, setting.name
            assert f"Type: {setting.type.annotation}" in text, setting.name


def test_every_warning_code_is_documented(reference: dict[str, str]) -> None:
    html = reference["warnings"]
    for code in diagnostics.Code:
        assert f"dep.{code.value}</span>" in html, code
        assert f'suppress_warnings = ["dep.{code.value}"]' in text_of(html), code


def test_warnings_show_the_tested_examples(reference: dict[str, str]) -> None:
    html = reference["warnings"]
    for subtype, lines in load_examples(CASES).items():
        path = lines[0].split(":", 1)[0]
        assert path in html, subtype


def test_every_dep_meta_option_is_documented(reference: dict[str, str]) -> None:
    html = reference["directives"]
    assert 'id="directive-dep-meta"' in html
    for option in parsing.META_OPTIONS:
        assert f'id="directive-option-dep-meta-{option}"' in html, option


def test_setting_help_links_to_the_setting(reference: dict[str, str]) -> None:
    assert 'href="settings.html#confval-dep_categories"' in reference["directives"]


def test_the_docs_use_every_reference_directive() -> None:
    text = "\n".join(p.read_text() for p in (REPO / "docs").rglob("*.md") if "_build" not in p.parts)
    for name in ("dep-settings-reference", "dep-warnings-reference", "dep-directives-reference"):
        assert f"{{{name}}}" in text, name


def test_examples_are_read_by_subtype(tmp_path: Path) -> None:
    cases = tmp_path / "cases.toml"
    cases.write_text('[a]\nwarnings = ["x.md:1: bad [dep.status]", "x.md:2: worse [dep.date]"]\n')
    assert load_examples(cases) == {
        "status": ["x.md:1: bad [dep.status]"],
        "date": ["x.md:2: worse [dep.date]"],
    }


def test_examples_skip_warnings_of_other_types(tmp_path: Path) -> None:
    cases = tmp_path / "cases.toml"
    cases.write_text('[a]\nwarnings = ["index.md:3: no title [toc.no_title]", "x.md:1: bad [dep.title]"]\n')
    assert load_examples(cases) == {"title": ["x.md:1: bad [dep.title]"]}


def test_cli_reference_shows_every_subcommand(tmp_path: Path) -> None:
    from sphinxcontrib_dep import cli
    from sphinxcontrib_dep.sphinx.autodoc import find_parser, subcommands

    src = write_project(tmp_path / "src", {"index.md": "# CLI\n\n```{dep-cli-reference}\n```\n"}, conf=CONF)
    build = build_in_process(src, tmp_path / "out")
    assert build.warnings == []
    text = text_of((build.outdir / "index.html").read_text())
    names = list(subcommands(find_parser(cli)))
    assert len(names) >= 8
    assert text.index("usage: dep [") < min(text.index(f"usage: dep {name}") for name in names)
    for name in names:
        assert f"usage: dep {name}" in text, name


def test_every_need_type_field_and_link_is_listed(tmp_path: Path) -> None:
    from sphinxcontrib_dep.sphinx import needs

    src = write_project(
        tmp_path / "src", {"index.md": "# Needs\n\n```{dep-needs-reference}\n```\n"}, conf=CONF
    )
    build = build_in_process(src, tmp_path / "out")
    assert build.warnings == []
    text = " ".join(text_of((build.outdir / "index.html").read_text()).split())
    for need_type in needs.NEED_TYPES:
        assert f"{need_type.directive}: {need_type.title}" in text, need_type
    for name, (description, _) in needs.FIELDS.items():
        assert f"{name} (" in text and description in text, name
    for name in needs.LINKS:
        assert f"{name} (to " in text and f"{name}_back" in text, name
    assert "{dep-needs-reference}" in (REPO / "docs" / "reference" / "settings.md").read_text()


def test_each_directive_shows_its_own_description(reference: dict[str, str]) -> None:
    """Not a base class's docstring ("Base of the directives that show the whole corpus")."""
    from sphinxcontrib_dep.sphinx import autodoc
    from sphinxcontrib_dep.sphinx.tables import CorpusDirective

    text = text_of(reference["directives"])
    assert "Base of the directives" not in text
    base = autodoc.first_paragraph(CorpusDirective.__doc__)
    for name, directive in autodoc.registered_directives():
        description = autodoc.first_paragraph(autodoc.directive_docs(directive))
        assert description and description != base, name
        assert text_of(description.replace("``", "")) in text, name
