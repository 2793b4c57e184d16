"""The base of every error that a user should see as one clear line."""


class PilotkitError(Exception):
    """An error caused by input or state that the user can fix.

    The command line prints its message on one line and exits non-zero; it never
    shows a traceback for these.
    """

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
