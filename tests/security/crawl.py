"""Walk the site like each role would: every link of every page, parsed with html.parser."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Downloads and actions, not pages (PDF, CSV, JSON are checked by their own tests).
SKIPPED_SUFFIXES = (".pdf", ".csv", ".json", ".jsonl", ".zpl", ".png", ".svg", "/download")
PER_ENDPOINT = 5  # distinct URLs visited per endpoint and role


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]


@dataclass
class ParsedPage:
    elements: list[Element] = field(default_factory=list)
    script_texts: list[str] = field(default_factory=list)
    style_texts: list[str] = field(default_factory=list)
    forms: list[dict] = field(default_factory=list)

    @property
    def links(self) -> list[str]:
        return [e.attrs["href"] for e in self.elements if e.tag == "a" and e.attrs.get("href")]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._raw: str | None = None
        self._form: dict | None = None
        self._select: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.page.elements.append(Element(tag, attributes))
        if tag in ("script", "style"):
            self._raw = tag
            (self.page.script_texts if tag == "script" else self.page.style_texts).append("")
        if tag == "form":
            self._form = {"action": attributes.get("action") or "",
                          "method": (attributes.get("method") or "get").lower(), "fields": []}
            self.page.forms.append(self._form)
        elif self._form is not None:
            if tag == "input":
                self._form["fields"].append(("input", attributes))
            elif tag == "textarea":
                self._textarea = {"name": attributes.get("name"), "text": ""}
                self._form["fields"].append(("textarea", self._textarea))
            elif tag == "select":
                self._select = {"name": attributes.get("name"), "options": [],
                                "multiple": "multiple" in attributes}
                self._form["fields"].append(("select", self._select))
            elif tag == "option" and self._select is not None:
                self._select["options"].append(attributes.get("value"))
            elif tag == "button":
                self._form["fields"].append(("button", attributes))

    def handle_endtag(self, tag):
        if tag == self._raw:
            self._raw = None
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._raw == "script":
            self.page.script_texts[-1] += data
        elif self._raw == "style":
            self.page.style_texts[-1] += data
        elif self._textarea is not None:
            self._textarea["text"] += data


def parse(html: str) -> ParsedPage:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


@dataclass
class Visit:
    role: str
    url: str
    status: int
    endpoint: str | None
    mimetype: str
    headers: dict
    html: str | None
    page: ParsedPage | None


def _local_path(base: str, href: str) -> str | None:
    target = urlsplit(urljoin(f"http://localhost{base}", href))
    if target.netloc != "localhost" or target.scheme != "http":
        return None
    path = target.path + (f"?{target.query}" if target.query else "")
    if path.startswith("/static/") or target.path.endswith(SKIPPED_SUFFIXES):
        return None
    return path


def crawl(app, client, role: str, start: list[str], every: tuple[str, ...] = ()) -> list[Visit]:
    """Breadth-first from `start`, at most PER_ENDPOINT URLs per endpoint, plus each URL of
    `every` (one per row of a table) whatever the count; redirects are followed."""
    adapter = app.url_map.bind("localhost")
    seen: set[str] = set()
    per_endpoint: Counter = Counter()
    queue = deque((url, True) for url in every)
    queue.extend((url, False) for url in start)
    visits = []
    while queue:
        url, uncapped = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            endpoint, _args = adapter.match(urlsplit(url).path, method="GET")
        except Exception:  # noqa: BLE001 - not a GET route: nothing to visit
            continue
        if not uncapped and per_endpoint[endpoint] >= PER_ENDPOINT:
            continue
        per_endpoint[endpoint] += 1
        response = client.get(url)
        html = response.get_data(as_text=True) if response.mimetype == "text/html" else None
        response.close()  # a streamed download must end inside its own request
        page = parse(html) if html is not None else None
        visits.append(Visit(role, url, response.status_code, endpoint, response.mimetype,
                            dict(response.headers), html, page))
        hrefs = page.links if page is not None else []
        if 300 <= response.status_code < 400:
            hrefs = [response.headers["Location"]]
        for href in hrefs:
            path = _local_path(url, href)
            if path is not None and path not in seen:
                queue.append((path, False))
    return visits


TEXT_INPUTS = {None, "", "text", "search", "email", "tel", "url", "password"}
SAMPLE = {"number": "1", "date": "2026-03-02", "time": "10:00", "month": "2026-03",
          "datetime-local": "2026-03-02T10:00"}


def fill(form: dict, text: str) -> dict[str, list[str]]:
    """What a user could send with `form`: `text` in every text field, a plausible value in
    the others (first choice of a list, first radio button, the first named button)."""
    data: dict[str, list[str]] = {}
    button_done = False
    for kind, field_ in form["fields"]:
        if kind == "input":
            name, kind_ = field_.get("name"), (field_.get("type") or "").lower()
            if not name or kind_ in ("file", "checkbox", "submit", "image", "reset"):
                continue
            if kind_ == "radio":
                data.setdefault(name, [field_.get("value") or "on"])
            elif kind_ == "hidden":
                data.setdefault(name, []).append(field_.get("value") or "")
            elif kind_ in TEXT_INPUTS:
                data[name] = [text]
            else:
                data[name] = [SAMPLE.get(kind_, "1")]
        elif kind == "textarea" and field_["name"]:
            data[field_["name"]] = [text]
        elif kind == "select" and field_["name"]:
            options = [o for o in field_["options"] if o]
            if options:
                data[field_["name"]] = options[:1]
        elif kind == "button" and field_.get("name") and not button_done:
            data[field_["name"]] = [field_.get("value") or ""]
            button_done = True
    return data
