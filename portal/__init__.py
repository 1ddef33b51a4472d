"""Portal Data Terbuka Smart City Kota Malang.

``create_app`` builds the Flask pages; ``portal.asgi:app`` is the whole application
(pages + Datasette under /sql/) that production serves.
"""

from .app import create_app

__all__ = ["create_app"]
