class Refused(Exception):
    """A file the engine will not keep. `code` names the reason; the web process turns it into a
    translated message (see `twinning.common.uploads.kinds.MESSAGES`), with `params` filled in."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
