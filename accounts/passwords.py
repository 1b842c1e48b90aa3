"""A password validator that refuses passwords found in breached-password lists.

zxcvbn (https://github.com/dwolfhub/zxcvbn-python) ships, offline, the most common passwords
from public breach corpora (its ``passwords`` dictionary, from Xato's ten million leaked
passwords) with English words, names and keyboard patterns, and estimates how many guesses a
password would take. A password made of breached passwords or easily guessed, however long, is
refused, with zxcvbn's advice shown beside the field.
"""

from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

# zxcvbn's score: 0-1 falls to an online attack, 2 to a slow offline one, 3+ resists one.
MIN_SCORE = 3
BREACHED_DICTIONARY = "passwords"


class BreachedPasswordValidator:
    def __init__(self, min_score: int = MIN_SCORE):
        self.min_score = min_score

    def validate(self, password, user=None):
        hints = [
            str(getattr(user, field, "") or "")
            for field in ("username", "first_name", "last_name", "email")
        ]
        result = zxcvbn(password[:100], user_inputs=[hint for hint in hints if hint])
        breached = any(
            match.get("dictionary_name") == BREACHED_DICTIONARY for match in result["sequence"]
        )
        if breached and result["score"] < self.min_score:
            raise ValidationError(
                "This password, or most of it, is in lists of passwords stolen in data breaches. "
                "Choose a different one, for example three or four random words",
                code="password_breached",
            )
        if result["score"] < self.min_score:
            advice = result["feedback"].get("warning") or "It would be easy to guess"
            raise ValidationError(
                f"Choose a password that is harder to guess. {advice.rstrip('.')}. "
                "Try three or four random words",
                code="password_too_guessable",
            )

    def get_help_text(self):
        return (
            "Your password must not be in lists of passwords stolen in data breaches, and must "
            "be hard to guess: three or four random words work well"
        )
