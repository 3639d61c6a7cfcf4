"""The data a browser would submit for a page's form, read from its HTML: for posting the admin's
change forms (with their inlines) as they are, plus the changes a test makes."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and "__prefix__" not in name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea, self._text = name, []
        elif tag == "select" and name and "__prefix__" not in name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self._option = a.get("value")
            if self._option is not None:
                self.fields.append((self._select, self._option))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # HTML drops the newline straight after <textarea>.
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_data(html: str, **changes: str | list[str]) -> dict[str, str | list[str]]:
    """Every named field of the page's forms with its current value (lists for repeated names),
    then `changes` on top."""
    reader = _FormReader()
    reader.feed(html)
    data: dict[str, str | list[str]] = {}
    for name, value in reader.fields:
        if name in data:
            current = data[name]
            data[name] = [*current, value] if isinstance(current, list) else [current, value]
        else:
            data[name] = value
    data.pop("csrfmiddlewaretoken", None)
    return {**data, **changes}
