"""The forms a page shows, read from its HTML as a browser would: where they go and which fields they send."""
from dataclasses import dataclass, field
from html.parser import HTMLParser

TEXT_TYPES = {"text", "email", "tel", "search", "url", "number", "date", "time", "datetime-local", "month", "week",
              None}


@dataclass
class Field:
    name: str
    kind: str  # an input type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)

    @property
    def typed(self) -> bool:
        """Whether a person types into it (rather than choosing or not seeing it)."""
        return self.kind == "textarea" or self.kind in TEXT_TYPES


@dataclass
class FormOnPage:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str = "") -> None:
        if name in self.fields:
            self.fields[name].options.append(value)
        else:
            self.fields[name] = Field(name, kind, value, [value])


class _Parser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[FormOnPage] = []
        self.live_checks: list[tuple[FormOnPage, FormOnPage]] = []  # (check, the form the field is in)
        self.form: FormOnPage | None = None
        self.textarea: Field | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea", "select") and attrs.get("hx-post") and self.form and "name" in attrs:
            # A field checked on its own as it is left (htmx): its own small form.
            check = FormOnPage(attrs["hx-post"], "post")
            check.add(attrs["name"], attrs.get("type") or tag, attrs.get("value") or "")
            self.live_checks.append((check, self.form))
        if tag == "form":
            self.form = FormOnPage(attrs.get("action") or self.page_url, (attrs.get("method") or "get").lower())
            self.forms.append(self.form)
        elif self.form is None or "name" not in attrs and tag != "option":
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "button", "image", "reset"):
            self.form.add(attrs["name"], attrs.get("type") or "text", attrs.get("value") or "")
        elif tag == "input" or tag == "button":
            if attrs.get("value") is not None:
                self.form.add(attrs["name"], "submit", attrs["value"])
        elif tag == "textarea":
            self.form.add(attrs["name"], "textarea")
            self.textarea = self.form.fields[attrs["name"]]
        elif tag == "select":
            self.select = attrs["name"]
            self.form.fields[self.select] = Field(self.select, "select")
        elif tag == "option" and self.select:
            self.form.fields[self.select].options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self.form.fields[self.select].value = attrs.get("value", "")

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea is not None:
            # HTML drops one line break right after <textarea>, as WTForms writes one there.
            self.textarea.value = self.textarea.value.removeprefix("\r\n").removeprefix("\n")
            self.textarea = None
        elif tag == "select":
            self.select = None


def forms_on(html: str, page_url: str) -> list[FormOnPage]:
    parser = _Parser(page_url)
    parser.feed(html)
    for check, form in parser.live_checks:  # htmx sends the page's CSRF token with them
        if "csrf_token" in form.fields:
            check.fields["csrf_token"] = form.fields["csrf_token"]
    return parser.forms + [check for check, _ in parser.live_checks]
