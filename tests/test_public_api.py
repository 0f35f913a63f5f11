"""Every name a package exports resolves, and carries a docstring."""

import importlib

import pytest

import matchcore as mc

PACKAGES = [
    "matchcore",
    "matchcore.occupations",
    "matchcore.normalize",
    "matchcore.scoring",
    "matchcore.assign",
    "matchcore.report",
    "matchcore.records",
    "matchcore.synth",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_exported_names_resolve_and_are_documented(name):
    mod = importlib.import_module(name)
    assert isinstance(mod.__all__, list)
    for attr in mod.__all__:
        obj = getattr(mod, attr)  # raises if missing
        if callable(obj) or isinstance(obj, type):
            assert (obj.__doc__ or "").strip(), f"{name}.{attr} has no docstring"


def test_version_and_cli():
    from matchcore.cli import main

    with pytest.raises(SystemExit) as ei:
        main(["--version"])
    assert ei.value.code == 0
    assert mc.__version__


def test_cli_occupation_lookup(capsys):
    from matchcore.cli import main

    assert main(["occupation", "6310103"]) == 0
    assert "电工" in capsys.readouterr().out
