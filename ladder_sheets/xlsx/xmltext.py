"""Text into and out of the XML of a package's parts: the engine's one escape and one unescape.

Parts are read and written as text (regular expressions over the XML, not a parser), so every
value that goes into an attribute or an element, and every one read back, passes here.
"""

from __future__ import annotations

from html import unescape as _unescape_references


def unescape(text: str) -> str:
    """Entity and character references decoded: &amp; &lt; &gt; &quot; &apos; &#10; &#x9; ..."""
    return _unescape_references(text) if "&" in text else text


def escape_text(text: str) -> str:
    """Text for an element's content."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """Text for a double-quoted attribute value."""
    return escape_text(text).replace('"', "&quot;")
