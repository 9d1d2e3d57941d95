"""qwb: the annual quality work assessment (质量工作考核), from scheme to ranking."""

from qwb.version import __version__

__all__ = ["__version__", "assess"]


def assess(*args, **kwargs):  # type: ignore[no-untyped-def]
    """qwb.assess(scheme, returns_dir, as_of=None, adjust=None, previous=None): see qwb.api (pandas is imported
    only when this is called, so `import qwb` stays cheap)."""
    from qwb.api import assess as _assess

    return _assess(*args, **kwargs)
