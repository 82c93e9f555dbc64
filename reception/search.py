"""Matching what people say against the catalogue: accents, case and typos.

Pure functions, the same on every database: the catalogue and the synonyms
are a few hundred short names, compared in Python after one query each
(PostgreSQL's trigrams would need an extension SQLite lacks, and would
give the two databases different answers).
"""

import difflib
import re
import unicodedata

# Words this short must match exactly (as the start of a word or a
# part of it): "cu" is not a typo of "cud".
FUZZY_MIN_LENGTH = 4
# How alike two words must be to count as a typo of each other
# (difflib's ratio: "pensone"/"pensione" is 0.93, "penso"/"pensione" 0.77).
FUZZY_RATIO = 0.8
_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Return ``text`` lower-case, without accents, punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(plain))


def words(text: str) -> list[str]:
    """Return the normalised words of ``text``."""
    return normalise(text).split()


def word_matches(word: str, candidates: list[str]) -> bool:
    """Return whether a typed word is in, or is a typo of, one of ``candidates``.

    A word matches a candidate it is part of ("pension" in "pensioni"), or,
    from ``FUZZY_MIN_LENGTH`` letters on, one alike enough to be a typo.
    """
    for candidate in candidates:
        if word in candidate:
            return True
        if (
            len(word) >= FUZZY_MIN_LENGTH
            and difflib.SequenceMatcher(None, word, candidate).ratio() >= FUZZY_RATIO
        ):
            return True
    return False


def text_matches(query_words: list[str], text: str) -> bool:
    """Return whether every query word matches some word of ``text``."""
    candidates = words(text)
    joined = " ".join(candidates)
    return all(word_matches(word, candidates) or word in joined for word in query_words)


def term_matches(query_words: list[str], term: str) -> bool:
    """Return whether the query says a synonym's term.

    Every word of the term must be among the query's words (typos allowed),
    so that "estratto conto" matches "estratto conto pensione" but
    "conto" alone does not match "estratto conto".
    """
    term_words = words(term)
    if not term_words:
        return False
    return all(
        any(
            word == typed
            or (
                len(word) >= FUZZY_MIN_LENGTH
                and difflib.SequenceMatcher(None, word, typed).ratio() >= FUZZY_RATIO
            )
            for typed in query_words
        )
        for word in term_words
    )
