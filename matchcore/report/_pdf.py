"""Print the report page to PDF with headless Chromium, when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from matchcore._errors import MatchcoreError

__all__ = ["CHROMIUM_FLAGS", "find_chromium", "print_pdf", "run_chromium"]

#: Headless, offline, no profile left behind: nothing phones home while a report prints.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
)


def find_chromium() -> str | None:
    """The Chromium executable: ``$MATCHCORE_CHROMIUM``, else ``chromium`` or
    ``chromium-browser`` or ``google-chrome`` on the PATH; None when there is none."""
    env = os.environ.get("MATCHCORE_CHROMIUM")
    if env:
        return env if Path(env).exists() or shutil.which(env) else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def run_chromium(
    args: list[str], *, timeout: float = 120.0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with the offline flags, a throw-away profile and ``args``
    (``env``: extra environment variables, e.g. ``FONTCONFIG_FILE``)."""
    exe = find_chromium()
    if exe is None:
        raise MatchcoreError(
            "Chromium not found (REPORT_NO_CHROMIUM): install Debian's 'chromium' or set "
            "MATCHCORE_CHROMIUM to print the report as PDF; the HTML, Excel and CSV files do "
            "not need it"
        )
    with tempfile.TemporaryDirectory(prefix="matchcore-chromium-") as profile:
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                env={**os.environ, **(env or {})},
            )
        except (subprocess.TimeoutExpired, OSError) as exc:
            raise MatchcoreError(
                f"Chromium did not finish (REPORT_CHROMIUM_FAILED): {type(exc).__name__}"
            ) from exc
    return proc


def print_pdf(page: Path, pdf: Path) -> Path:
    """Print ``page`` (an HTML file) to ``pdf`` on A4, as the page's print CSS lays it out."""
    pdf = Path(pdf)
    tmp = pdf.with_name(pdf.name + ".part")
    proc = run_chromium(
        [
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=10000",
            f"--print-to-pdf={tmp}",
            Path(page).resolve().as_uri(),
        ]
    )
    if proc.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise MatchcoreError(
            f"Chromium could not print {page.name} (REPORT_PDF_FAILED, exit {proc.returncode}): "
            f"{proc.stderr.strip()[-300:]}"
        )
    tmp.replace(pdf)
    return pdf
