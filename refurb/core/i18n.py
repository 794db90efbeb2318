"""N_() marks a French string for the translation catalogue without translating it here:
the core stays free of Flask-Babel; pages translate the value with _() when they show it."""


def N_(text: str) -> str:
    return text
