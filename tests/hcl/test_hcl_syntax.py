"""Syntax errors: one located line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from graticule.hcl import ConfigError, load_config, load_config_text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'env "dev" {\n  url = \n}\n',
            "atlas.hcl:2:9: syntax error: unexpected newline, expected an expression",
        ),
        ('env "dev" {\n  url = "a"\n', 'atlas.hcl:3:1: syntax error: unexpected end of file, expected "}"'),
        ("a = @\n", "atlas.hcl:1:5: syntax error: unexpected '@', expected an expression"),
        (
            'env "dev" {\n  url = "open\n}\n',
            "atlas.hcl:2:10: syntax error: unexpected end of file, expected a closing",
        ),
        ('env "dev" {\n  url = [1, 2\n}\n', "atlas.hcl:3:1: syntax error: unexpected '}'"),
        ('a = "x" b = 1\n', "atlas.hcl:1:9: syntax error: missing newline before this argument or block"),
        ("}\n", "atlas.hcl:1:1: syntax error: unexpected '}'"),
    ],
)
def test_syntax_errors_are_located(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config_text(text, "atlas.hcl", "dev")
    assert str(info.value).startswith(message)
    assert (info.value.line, info.value.column) == tuple(int(n) for n in message.split(":")[1:3])


@pytest.mark.parametrize(
    "text",
    [
        'env "dev" {\n  v = ' + "[" * 5000 + "]" * 5000 + "\n}\n",
        'env "dev" {\n  v = 1' + " + 1" * 20000 + "\n}\n",
        'env "dev" {\n  v = "' + '${"' * 500 + '"}' * 500 + '"\n}\n',
    ],
)
def test_deep_nesting_is_an_error_not_a_crash(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config_text(text, "atlas.hcl", "dev")
    assert str(info.value) == "atlas.hcl: expression nested too deeply"


def test_control_characters_and_byte_order_mark(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config_text("a = \x00\n", "atlas.hcl", None)
    assert str(info.value) == "atlas.hcl:1:5: syntax error: unexpected '\\x00', expected an expression"
    # Editors on Windows may start the file with a byte order mark; it is not part of the text.
    (tmp_path / "atlas.hcl").write_text('\ufeffenv "dev" {\n  url = "sqlite://x"\n}\n', encoding="utf-8")
    env = load_config(str(tmp_path / "atlas.hcl"), "dev").env
    assert env is not None and env.url == "sqlite://x"
