class TransitionError(Exception):
    """An illegal state transition (publishing a withdrawn dataset…). The API answers 409."""
