"""A PDF of the HTML report, for e-mail, printed by headless Debian chromium."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pilotkit.errors import PilotkitError

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)


def find_chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def html_to_pdf(html: Path, pdf: Path, *, timeout_s: float = 120.0) -> Path:
    """Print `html` to `pdf` with headless chromium; raise a clear error if it cannot."""
    chromium = find_chromium()
    if chromium is None:
        raise PilotkitError("a PDF needs Debian's chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="pilotkit-pdf-") as profile:
        command = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout_s, check=True)
        except subprocess.TimeoutExpired:
            raise PilotkitError(f"chromium took over {timeout_s:.0f} s to print {html}") from None
        except subprocess.CalledProcessError as exc:
            detail = exc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
            raise PilotkitError(f"chromium could not print {html}: {detail[0]}") from None
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise PilotkitError(f"chromium wrote no PDF for {html}")
    return pdf
