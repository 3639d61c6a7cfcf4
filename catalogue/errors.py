class TransitionError(Exception):
    """An illegal state transition (publishing a withdrawn dataset…). The API answers 409."""


class SearchParameterError(Exception):
    """A search or filter parameter with a value we cannot use. The API answers 400."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors
