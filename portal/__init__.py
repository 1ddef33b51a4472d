"""Portal Data Terbuka Smart City Kota Malang.

``create_app`` builds the Flask pages; ``portal.asgi:app`` is the whole application
(pages + Datasette under /sql/) that production serves.

``create_app`` is imported on first use: publishing, and the child processes publish starts, need
neither Flask nor the pages (importing them was a third of a second of every publish).
"""

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app
        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
