"""The error every kind of bad input derives from, so that one place (the CLI) turns it into a message
and exit code 2: a person can fix what it says (a file, a row, a column, a name, a setting)."""


class UserError(Exception):
    """Input a person can correct; its message says what and where."""
