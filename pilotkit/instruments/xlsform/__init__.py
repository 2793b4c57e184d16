"""XLSForm in and out: bring a form from ODK, KoboToolbox, SurveyCTO or Ona, hand ours back.

`read_xlsform(path)` maps a workbook to an instrument and lists what it could not map;
`write_xlsform(instrument, path)` writes a workbook those tools accept, with pilotkit's
extra fields in columns and sheets they ignore. See docs/xlsform.md.
"""

from pilotkit.instruments.xlsform.common import XLSFormError
from pilotkit.instruments.xlsform.reader import ImportResult, read_xlsform
from pilotkit.instruments.xlsform.writer import write_xlsform

__all__ = ["ImportResult", "XLSFormError", "read_xlsform", "write_xlsform"]
