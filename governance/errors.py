from catalogue.errors import TransitionError


class RequestTransitionError(TransitionError):
    """An access request or grant cannot move to that state from where it is (API: 409)."""
