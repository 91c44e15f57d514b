"""User-given text in Plotly figures.

Plotly renders a pseudo-HTML subset (<b>, <i>, <br>, <a href>, <span style>…) in titles, tick labels,
trace names, hovers, annotations and `text`, so a department or person named `<b>X</b>` would render as
markup (and a link). Every user-given name goes through `plain()` where it enters a figure; Plotly turns
the entities back into the characters typed.
"""

from html import escape


def plain(text):
    """A name as Plotly shows it literally: markup characters escaped; None stays None."""
    return None if text is None else escape(str(text))


def plain_all(texts):
    """`plain()` of every item of a list."""
    return [plain(text) for text in texts]
