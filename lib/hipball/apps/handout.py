"""HandoutPreview: fill in a handout, see every page as it will print, download the PDF; type
or upload a small class roster and download the class packet.

No matplotlib figure of its own: the pages are rendered by the handout pipeline itself
(``hipball.handouts.page``, the same Typst source as ``hipball handouts``) into ``Image``
widgets, so what the user sees is what prints. Parameters are checked by the handouts' own
schema (``params.validate``); every problem is listed in the error area, in plain words.

Download without code, in Voila and JupyterLab alike: the PDF travels to the browser inside a
link (``<a download href="data:application/pdf;base64,...">``) in an HTML widget, kept current
with the form. A click downloads the file; no kernel round trip, no server file, no script.
With ``save_to`` (notebook 07) a button also writes the PDF into that folder, where the
JupyterLab file browser shows it.

A class: a roster typed into the box (CSV, the header row first) or uploaded (CSV or YAML) is
read and checked by ``handouts.roster``, planned by ``handouts.batch.plan`` (file names, bad and
empty rows) and rendered in this kernel by ``handouts.page`` (a Jupyter kernel per client, as
the command line uses, would cost seconds each). Bad rows are reported row by row; the valid
rows still make the packet.

Hang safety: nothing here writes into an ``ipywidgets.Output`` (PITFALLS.md).
"""

from __future__ import annotations

import base64
import json
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

import ipywidgets as widgets

from hipball.apps.base import App, esc, fit_layout, labelled

PPI = 100          # preview resolution: US Letter is 850 x 1100 px, crisp at the shown width
PAGE_CACHE = 8     # rendered parameter sets kept (pages and PDF, about 1 MB each)
MAX_CLASS = 60     # rows the app renders at once (a larger class: the command line)
PAGE_WIDTH = "400px"  # = PREVIEW_PX: a page and the form fit a 1366x768 projector
_BUTTON = ("display:inline-block;padding:5px 14px;margin:2px 6px 2px 0;border-radius:3px;"
           "background:#0072B2;color:#fff;font-weight:bold;text-decoration:none")
# The field names of the form, as the user sees them (messages name these, not parameter ids).
LABELS = {"client": "Client", "therapist": "Therapist", "side": "Side", "trigger_points": "Trigger points",
          "ball": "Ball", "surface": "Surface", "level": "Level", "paper": "Paper", "large_print": "Large print",
          "notes": "Notes to the client", "clinic": "Clinic", "logo": "Logo", "hold_s": "Hold",
          "session_min": "Session", "sessions_per_day": "Sessions a day"}
NOTES_BOX = "Notes from your therapist"
CONTACT_BOX = "Contact"


def _params():
    from hipball.handouts import params

    return params


def notes_page(pdf: bytes) -> int:
    """The page (from 1) where the notes and the therapist's contact print, read from the
    rendered PDF itself (the page whose text holds the notes box), so it follows
    ``handouts/handout.typ`` whatever its layout."""
    from hipball.handouts.page import page_count, page_text

    for i in range(page_count(pdf)):
        if NOTES_BOX in " ".join(page_text(pdf, i).split()):
            return i + 1
    raise ValueError(f"the handout has no {NOTES_BOX!r} box")


def plain_error(e) -> str:
    """A ``ParamError`` in the words of the form: the field's label instead of its parameter
    name, and no command-line advice (environment variables, options) on a student's screen."""
    from hipball.handouts import glyphs

    label = LABELS.get(e.column, e.column)
    msg = e.message
    if glyphs.FONT_DIR_ENV in msg:  # a character no font of the handout has
        chars = glyphs.missing(str(e.value or ""))
        what = glyphs.describe(chars) if chars else "some characters"
        return (f"{label}: {what} cannot be printed with the handout's fonts (they would show as empty boxes). "
                "Leave them out, or ask your instructor to add a font that has them.")
    if msg.startswith(e.column + ":"):
        msg = label + ":" + msg[len(e.column) + 1:]
    return msg.replace("--anonymize", "anonymous handouts")


def _looks_like_yaml(text: str) -> bool:
    first = next((ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    return first.startswith("- ") or first == "-" or first.startswith("clients:")


def download_link(pdf: bytes, filename: str, label: str) -> str:
    """An HTML link that downloads ``pdf`` as ``filename`` (the file rides in a data: URL)."""
    data = base64.b64encode(pdf).decode("ascii")
    return (f"<a class='hipball-download' download='{esc(filename)}' href='data:application/pdf;base64,{data}' "
            f"style='{_BUTTON}'>{esc(label)}</a><span style='font-size:90%'>{esc(filename)}, "
            f"{max(1, len(pdf) // 1024)} kB</span>")


PREVIEW_PX = 400  # the page preview's width: a Letter page and its controls fit a 1366x768 projector


class HandoutPreview(App):
    """The client handout, previewed page by page as it will print, ready to download; and the
    class packet from a small roster typed or uploaded here."""

    uses_figure = False

    def __init__(self, *, render: str = "image", ppi: float = PPI, save_to: str | Path | None = None, **values):
        self._start = dict(_params().defaults(), **values)
        self.ppi = ppi
        self.save_to = Path(save_to) if save_to is not None else None
        self.pages: list[bytes] = []
        self.pdf: bytes = b""
        self.pdf_name = ""
        self.packet: bytes = b""
        self.class_outcomes: list = []
        self._checked: dict = {}
        self._cache: OrderedDict = OrderedDict()
        super().__init__(render="image")

    # ----------------------------------------------------------------- the form
    def build(self) -> None:
        p = _params()
        s = self._start
        from hipball import pressure, referral

        names = {t.trp_id: f"{referral.muscles()[t.muscle_id].display_name}, {t.name}" for t in referral.trigger_points()}
        text = dict(continuous_update=False, layout=widgets.Layout(width="330px"))
        self.client = widgets.Text(value=s["client"], placeholder="empty: a class handout", **text)
        self.therapist = widgets.Text(value=s["therapist"], **text)
        self.side = widgets.ToggleButtons(options=list(p.SIDES), value=s["side"], style={"button_width": "70px"})
        self.trigger_points = widgets.SelectMultiple(options=[(names.get(t, t), t) for t in p.trigger_point_ids()],
                                                     value=tuple(s["trigger_points"]), rows=7,
                                                     layout=widgets.Layout(width="330px"))
        self.ball = widgets.Dropdown(options=[(pressure.balls()[b].name, b) for b in pressure.BALLS], value=s["ball"],
                                     layout=widgets.Layout(width="160px"))
        self.surface = widgets.Dropdown(options=[(pressure.surfaces()[x].name, x) for x in pressure.SURFACES],
                                        value=s["surface"], layout=widgets.Layout(width="230px"))  # every name whole
        self.level = widgets.ToggleButtons(options=list(p.LEVELS), value=s["level"], style={"button_width": "100px"})
        self.paper = widgets.ToggleButtons(options=[("Letter", "letter"), ("A4", "a4")], value=s["paper"],
                                           style={"button_width": "70px"})
        self.large_print = widgets.Checkbox(value=bool(s["large_print"]), description="Large print", indent=False)
        self.notes = widgets.Textarea(value=s["notes"], rows=3, continuous_update=False,
                                      layout=widgets.Layout(width="330px"))
        # the preview: page buttons, where-it-prints note, one image per page
        # page 1 first: the form and one whole page fit a 1366x768 projector; every page is a click away
        self.page = widgets.ToggleButtons(options=[("All pages", -1), ("Page 1", 0)], value=0,
                                          style={"button_width": "80px"})
        self.status = widgets.HTML()
        self.where = widgets.HTML()
        self.download = widgets.HTML()
        self.page_images: list[widgets.Image] = []
        self.page_box = widgets.VBox([])
        self.image = self._page_image()  # page 1 (the base class's image slot)
        self.save = widgets.Button(description=f"Save in {self._folder_name()}/", icon="",
                                   layout=widgets.Layout(width="auto",
                                                         display="" if self.save_to is not None else "none"))
        self.saved = widgets.HTML()
        # a class
        self.roster_text = widgets.Textarea(
            value="", rows=6, continuous_update=False, layout=widgets.Layout(width="100%"),
            placeholder="client,side,level\nAnn Example,left,beginner\nBo Example,both,experienced")
        self.upload = widgets.FileUpload(accept=".csv,.tsv,.txt,.yaml,.yml", multiple=False,
                                         description="Upload a roster")
        self.make_class = widgets.Button(description="Make the class packet", button_style="primary",
                                         layout=widgets.Layout(width="auto"))
        self.class_report = widgets.HTML()
        self.class_download = widgets.HTML()
        self.controls = [self.client, self.side, self.trigger_points, self.ball, self.surface,
                         self.level, self.paper, self.large_print]
        for w in self.controls:
            self.observe(w, self.refresh)
        for w in (self.therapist, self.notes):
            self.observe(w, self._on_page_two_text)
        self.observe(self.page, self._show_page)
        self.on_click(self.save, self.save_pdf)
        self.observe(self.upload, self._on_upload)
        self.on_click(self.make_class, self.make_class_packet)

    def layout(self) -> widgets.Widget:
        left = widgets.VBox([labelled("Client", self.client), labelled("Therapist", self.therapist),
                             labelled("Side", self.side), labelled("Trigger points (none: the standard set)",
                                                                   self.trigger_points),
                             widgets.HBox([labelled("Ball", self.ball), labelled("Surface", self.surface)],
                                          layout=widgets.Layout(flex_flow="row wrap")),
                             labelled("Level", self.level), labelled("Paper", self.paper), self.large_print,
                             labelled("Notes to the client", self.notes)])
        right = [widgets.HBox([self.download, self.save], layout=widgets.Layout(align_items="center")),
                 self.saved, self.status, self.where, self.page, self.page_box]
        klass = widgets.VBox([
            widgets.HTML("<h4 style='margin:12px 0 4px'>A class: one handout per person</h4>"
                         "<div style='font-size:90%'>Type one line per person, the column names first "
                         "(<i>client</i> is required; <i>side</i>, <i>level</i>, <i>ball</i>, <i>surface</i>, "
                         "<i>notes</i> and the others of the form are optional), or upload a CSV or YAML "
                         "roster. Empty cells take the values of the form above. Rows with a mistake are "
                         "listed below and left out; the others make the packet.</div>"),
            self.roster_text, widgets.HBox([self.upload, self.make_class]), self.class_report, self.class_download])
        return widgets.VBox([self.error, fit_layout([left], right, figure_width_px=PREVIEW_PX), klass])

    def values(self) -> dict:
        return {"client": self.client.value, "therapist": self.therapist.value, "side": self.side.value,
                "trigger_points": list(self.trigger_points.value), "ball": self.ball.value,
                "surface": self.surface.value, "level": self.level.value, "paper": self.paper.value,
                "large_print": self.large_print.value, "notes": self.notes.value}

    def _folder_name(self) -> str:
        return self.save_to.name if self.save_to is not None else ""

    def _page_image(self) -> widgets.Image:
        img = widgets.Image(format="png", layout=widgets.Layout(width=PAGE_WIDTH, max_width="100%", height="auto",
                                                                border="1px solid #999", margin="0 0 8px 0"))
        self.page_images.append(img)
        return img

    # ----------------------------------------------------------------- one handout
    def _check(self, values: dict) -> dict:
        checked = _params().validate(values, unknown="error")
        if checked.errors:
            raise ValueError("The handout cannot be made:\n" + "\n".join(f"- {plain_error(e)}" for e in checked.errors))
        return checked.values

    def update(self) -> None:
        self.download.value = ""  # never offer a PDF that no longer matches the form
        self.saved.value = ""
        values = self._check(self.values())
        key = json.dumps(values, sort_keys=True, default=str)
        if key not in self._cache:
            from hipball.handouts.page import render_pdf, render_png

            self._cache[key] = (render_png(values, ppi=self.ppi), render_pdf(values))
            while len(self._cache) > PAGE_CACHE:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        self._checked = values
        self.pages, self.pdf = self._cache[key]
        from hipball.handouts.paths import slug

        self.pdf_name = slug(values["client"]) + ".pdf"
        self.download.value = download_link(self.pdf, self.pdf_name, "Download PDF")
        options = [("All pages", -1)] + [(f"Page {i + 1}", i) for i in range(len(self.pages))]
        if list(self.page.options) != options:
            keep = self.page.value  # a new options list resets the choice: keep it where it still exists
            self.page.options = options
            self.page.value = keep if keep in [v for _, v in options] else 0
        paper = {"letter": "US Letter", "a4": "A4"}[values["paper"]]
        self.status.value = (f"<span style='font-size:90%'>{len(self.pages)} pages, {paper}"
                             f"{', large print' if values['large_print'] else ''}. "
                             "The preview is the printed page.</span>")
        self._show_page()

    def _on_page_two_text(self) -> None:
        """Therapist or notes typed: refresh, then show the page they print on, and say where."""
        self.refresh()
        n = notes_page(self.pdf)
        self.where.value = (f"<div style='font-size:90%;background:#EAF2FA;border-left:4px solid #0072B2;"
                            f"padding:3px 8px'>The notes print on <b>page {n}</b>, in the box "
                            f"&ldquo;{NOTES_BOX}&rdquo;; the therapist's name in the &ldquo;{CONTACT_BOX}&rdquo; "
                            "box beside it.</div>")
        if n - 1 < len(self.pages):
            self.page.value = n - 1

    def _show_page(self) -> None:
        if not self.pages:
            return
        while len(self.page_images) < len(self.pages):
            self._page_image()
        for img, png in zip(self.page_images, self.pages):
            if img.value != png:
                img.value = png
        chosen = self.page.value if self.page.value is not None else -1
        shown = self.page_images[:len(self.pages)] if chosen < 0 else [self.page_images[min(chosen, len(self.pages) - 1)]]
        if list(self.page_box.children) != shown:
            self.page_box.children = shown

    def render(self) -> None:  # the page images are set in update()
        pass

    def close(self) -> None:
        images = list(self.page_images)
        super().close()
        for img in images:  # pages not on show are not in the layout
            img.close()

    # ----------------------------------------------------------------- files
    def _write(self, name: str, data: bytes) -> str:
        """Write into ``save_to`` (atomically, owner-only); say if an older file was replaced."""
        from hipball.handouts.paths import atomic_write_bytes, inside

        self.save_to.mkdir(parents=True, exist_ok=True)
        target = inside(self.save_to, name)
        existed = target.exists()
        atomic_write_bytes(target, data)
        return f"{self._folder_name()}/{name}" + (" (replaced the earlier file of that name)" if existed else "")

    def save_pdf(self) -> None:
        if self.save_to is None or not self.pdf:
            raise ValueError("Nothing to save: fix the values above first.")
        where = self._write(self.pdf_name, self.pdf)
        self.saved.value = f"<span style='font-size:90%'>Saved: {esc(where)}</span>"

    # ----------------------------------------------------------------- a class
    def _on_upload(self) -> None:
        files = self.upload.value
        if not files:
            return
        f = files[0]
        try:
            text = bytes(f["content"]).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError(f"The roster {f['name']!r} is not UTF-8 text: save it from the spreadsheet "
                             "as 'CSV UTF-8' and upload it again.") from None
        self.roster_text.value = text.replace("\r\n", "\n")
        self.class_report.value = (f"<span style='font-size:90%'>Read {esc(f['name'])}: check it in the box, "
                                   "then make the class packet.</span>")

    def read_class(self, text: str) -> tuple[list, list[str]]:
        """The roster's rows, checked against the handout's schema with the form as defaults."""
        from hipball.handouts import roster

        if not text.strip():
            raise ValueError("The class is empty: type the column names on the first line (at least "
                             "client), then one line per person, or upload a roster.")
        table = roster.read_yaml_text(text) if _looks_like_yaml(text) else roster.read_csv_text(text)
        people = [r for r in table.rows if not r.empty]
        if len(people) > MAX_CLASS:
            raise ValueError(f"The class has {len(people)} people; this page makes at most {MAX_CLASS} at once. "
                             "Split the roster in parts.")
        defaults = {k: v for k, v in self.values().items() if k != "client"}
        return roster.check_rows(table, defaults), table.warnings

    def make_class_packet(self) -> None:
        from hipball.handouts import batch, page
        from hipball.handouts.paths import atomic_write_bytes

        self.class_download.value = ""
        self.packet = b""
        checked, warnings = self.read_class(self.roster_text.value)
        self.class_report.value = "<span style='font-size:90%'>Making the handouts ...</span>"
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="hipball-class-") as tmp:
            jobs, outcomes, packet, planned = batch.plan(checked, Path(tmp), force=True)
            warnings = list(warnings) + list(planned)
            plain = {c.row.number: [plain_error(e) for e in c.errors] for c in checked}
            made = []
            for job in jobs:
                try:
                    atomic_write_bytes(job.pdf, page.render_pdf(job.values))
                    outcomes.append(batch.Outcome(job.row, job.client, "rendered", file=job.pdf.name))
                    made.append(job.pdf)
                except Exception as exc:  # one person's handout failing never stops the class
                    outcomes.append(batch.Outcome(job.row, job.client, "failed", f"could not be made ({exc})"))
                    plain[job.row] = [f"could not be made ({exc})"]
            pages = page.build_packet(made, Path(tmp) / batch.PACKET) if made else 0
            if made:
                self.packet = (Path(tmp) / batch.PACKET).read_bytes()
        self.class_outcomes = sorted(outcomes, key=lambda o: o.row)
        self.class_report.value = self._class_report(self.class_outcomes, plain, warnings, pages,
                                                     time.perf_counter() - t0)
        if self.packet:
            link = download_link(self.packet, batch.PACKET, "Download the class packet")
            if self.save_to is not None:
                link += f"<div style='font-size:90%'>Saved: {esc(self._write(batch.PACKET, self.packet))}</div>"
            self.class_download.value = link

    @staticmethod
    def _class_report(outcomes, plain: dict, warnings: list[str], pages: int, seconds: float) -> str:
        done = [o for o in outcomes if o.status == "rendered"]
        bad = [o for o in outcomes if o.status == "failed"]
        empty = [o for o in outcomes if o.status == "skipped"]
        head = (f"<b>{len(done)} handout{'s' if len(done) != 1 else ''} made</b> ({pages} pages, {seconds:.1f} s)"
                if done else "<b>No handout made</b>")
        if bad:
            head += f"; <b style='color:#9B1C1C'>{len(bad)} row{'s' if len(bad) != 1 else ''} with a mistake left out</b>"
        items = []
        for o in bad:
            who = f" ({esc(o.client)})" if o.client else ""
            for msg in plain.get(o.row) or [o.reason]:
                items.append(f"<li>Row {o.row}{who}: {esc(msg)}</li>")
        for o in empty:
            items.append(f"<li>Row {o.row}: empty, skipped</li>")
        for w in warnings:
            items.append(f"<li>{esc(w[0].upper() + w[1:])}</li>")
        body = f"<ul style='margin:2px 0 2px 18px;padding:0'>{''.join(items)}</ul>" if items else ""
        return f"<div style='font-size:90%'>{head}.{body}</div>"
