class ServiceError(Exception):
    """A request a service refuses, with a message fit to show the person (already translated).

    Views catch it and show the message; nothing has been written when it is raised.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message
