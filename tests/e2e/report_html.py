#!/usr/bin/env python3
"""Read a `layerscope report` HTML page with Python's html.parser and print what it shows as
JSON, for tests/e2e/report.sh to compare with the other verbs' JSON.

Usage: report_html.py PAGE.html
"""
import json
import sys
from html.parser import HTMLParser

LOADING_TAGS = {"link", "script", "img", "style", "iframe", "source", "video", "audio", "object",
                "embed", "frame", "track", "input", "image", "use"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.fields, self.metrics, self.severities = [], {}, {}, {}
        self.tables, self.tags, self.handlers, self.external = {}, {}, [], []
        self.html_attrs, self.advice, self.style, self.text = {}, [], "", []
        self.table = self.row = self.cell = None
        self.field = self.li = None
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "html":
            self.html_attrs = a
        for k, v in attrs:
            if k.startswith("on"):
                self.handlers.append([tag, k])
            if tag in LOADING_TAGS and k in ("src", "href", "srcset", "data", "poster", "xlink:href") \
                    and v and ("http:" in v or "https:" in v or v.startswith("//")):
                self.external.append([tag, k, v])
        if "id" in a:
            self.ids.append(a["id"])
        if "data-metric" in a:
            self.metrics[a["data-metric"]] = a.get("data-value")
        if "data-severity" in a and tag == "span":
            self.severities[a["data-severity"]] = int(a["data-value"])
        if a.get("data-field") and tag in ("dd", "p"):
            self.field = [a["data-field"], a.get("data-value"), []]
        if tag == "table":
            self.table = self.tables.setdefault(a.get("id", "?"), [])
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = {"sort": a.get("data-sort"), "chunks": []}
        elif tag == "li" and a.get("data-kind"):
            self.li = []
        if tag == "style":
            self.in_style = True

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row:
                self.table.append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None
        elif tag in ("dd", "p") and self.field is not None:
            name, value, chunks = self.field
            self.fields[name] = value if value is not None else "".join(chunks).strip()
            self.field = None
        elif tag == "li" and self.li is not None:
            self.advice.append("".join(self.li[1:]))  # the first chunk is the saving
            self.li = None
        elif tag == "style":
            self.in_style = False

    def handle_data(self, data):
        self.text.append(data)
        if self.in_style:
            self.style += data
        if self.cell is not None and data.strip():
            self.cell["chunks"].append(data.strip())
        if self.field is not None:
            self.field[2].append(data)
        if self.li is not None:
            self.li.append(data)


def cells(rows):
    return rows[1:]  # the header row


def main():
    p = Page()
    with open(sys.argv[1], encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    t = p.tables

    def num(c):
        return int(c["sort"])

    out = {
        "ids": p.ids,
        "fields": p.fields,
        "metrics": {k: (float(v) if v else None) for k, v in p.metrics.items()},
        "severities": p.severities,
        "layers": [[num(r[0]), num(r[1]), num(r[2]), r[3]["chunks"][0] if r[3]["chunks"] else ""]
                   for r in cells(t.get("layers-table", []))],
        "inefficient": [[r[0]["chunks"][0], num(r[1]), num(r[2])] for r in cells(t.get("waste-table", []))],
        "advice": p.advice,
        "vulns": [[r[0]["chunks"][0], r[1]["chunks"][0], r[2]["chunks"][0], r[3]["chunks"][0], r[4]["chunks"][0]]
                  for r in cells(t.get("vuln-table", []))],
        "secrets": [[r[1]["chunks"][-1], r[2]["chunks"][0], r[4]["chunks"][0], num(r[5])]
                    for r in cells(t.get("secrets-table", []))],
        "packageTypes": {r[0]["chunks"][0]: int(r[1]["chunks"][0]) for r in cells(t.get("package-types", []))},
        "tags": p.tags,
        "handlers": p.handlers,
        "external": p.external,
        "styleLoads": [w for w in ("url(", "@import") if w in p.style],
        "js": p.html_attrs.get("data-report-js"),
        "text": "".join(p.text),
    }
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
