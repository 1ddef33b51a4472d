"""A child process of downloads.write_xlsx_files: writes the XLSX files described, as JSON, on stdin."""

import json
import sys

from .downloads import XlsxJob, write_xlsx_job

for job in json.load(sys.stdin):
    write_xlsx_job(XlsxJob(**job))
