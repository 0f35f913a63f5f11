"""Benchmark options: ``pytest benchmarks/`` runs the small size; ``--scale`` picks a larger one."""

import pytest

SCALES = {
    # name: (n_seekers, n_vacancies)
    "small": (20_000, 4_000),
    "medium": (100_000, 20_000),
    "province": (1_000_000, 200_000),
}


def pytest_addoption(parser):
    parser.addoption(
        "--scale",
        action="store",
        default="small",
        choices=sorted(SCALES),
        help="problem size for benchmarks: small (default, CI), medium, province",
    )


@pytest.fixture(scope="session")
def scale(request):
    name = request.config.getoption("--scale")
    return name, SCALES[name]


_FIGURES: list[str] = []


@pytest.fixture(scope="session")
def report():
    """``report(line)`` records a figure; all figures are printed in the terminal summary."""
    return _FIGURES.append


def pytest_terminal_summary(terminalreporter):
    if _FIGURES:
        terminalreporter.section("matchcore figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
