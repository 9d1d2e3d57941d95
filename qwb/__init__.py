"""qwb: the annual quality work assessment (质量工作考核), from scheme to ranking."""

__version__ = "0.1.0"
