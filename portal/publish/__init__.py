"""Publishing: datasets/ + metadata/ -> a new immutable release (``publish``, in pipeline.py).

``publish`` is imported on first use: the web side imports ``portal.publish.release`` (to verify a
release) and must not load frictionless and sqlite-utils with it, ~40 MB in every server worker.
"""


def __getattr__(name: str):
    if name == "publish":
        from .pipeline import publish
        return publish
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
