"""A child process of downloads.write_xlsx_files: writes the XLSX files described, as JSON, on stdin."""

import json
import sys

from .disk_full import EXIT_CODE, DiskFull
from .downloads import XlsxJob, write_xlsx_job

try:
    for job in json.load(sys.stdin):
        write_xlsx_job(XlsxJob(**job))
except DiskFull:
    sys.exit(EXIT_CODE)  # the parent reports it, naming the file this worker left unwritten
