#!/usr/bin/env python
"""Publish the data packages: python publish.py [--datasets PATH] [--metadata PATH] [--build PATH] [--json]

The same as `portal publish`; see `python publish.py --help`.
"""

from portal.cli import publish

if __name__ == "__main__":
    publish(prog_name="publish.py")
