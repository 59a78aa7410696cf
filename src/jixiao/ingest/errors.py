"""The one error type a user can meet when a file cannot be read."""

from __future__ import annotations


class InputError(Exception):
    """A file that cannot be read, with where and how to fix it, in Chinese.

    ``location`` names the file and, where known, the field path
    (``indicators[3].target``) or the sheet and cell (``自评表!D7``).
    """

    def __init__(self, message: str, *, file: str = "", location: str = "") -> None:
        self.message = message
        self.file = file
        self.location = location
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = "：".join(part for part in (self.file, self.location) if part)
        return f"{where}：{self.message}" if where else self.message

    def with_file(self, file: str) -> InputError:
        return InputError(self.message, file=file, location=self.location)

