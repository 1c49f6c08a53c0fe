"""A Pygments lexer for toy, registered under the name `toy` (the kernel's pygments_lexer).

Installed with `pip install grammar/editors/pygments`; nbconvert and anything else using Pygments
then highlights toy cells and .toy files.
"""

from pygments.lexer import RegexLexer, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Whitespace

from .keywords import KEYWORDS

__all__ = ["ToyLexer", "KEYWORDS"]


class ToyLexer(RegexLexer):
    """toy's tokens as grammar/toy.ebnf defines them, plus the front ends' `%magics` and `?`."""

    name = "toy"
    aliases = ["toy"]
    filenames = ["*.toy"]
    mimetypes = ["text/x-toy"]
    url = "https://github.com/toy-models/toy"

    tokens = {
        "root": [
            (r"[ \t\r\n]+", Whitespace),
            (r"# %%.*?$", Comment.Special),
            (r"#.*?$", Comment.Single),
            (r'"[^"\n]*"', String.Double),
            (r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", Number.Float),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (r"(?m)^%[A-Za-z_]+", Keyword.Pseudo),
            (r"[A-Za-z_][A-Za-z0-9_]*(?=[ \t]*=)", Name.Attribute),
            (r"[A-Za-z_][A-Za-z0-9_]*", Name),
            (r"[-+*/^=?]", Operator),
            (r"[(),;\[\].]", Punctuation),
        ]
    }
