"""What every widget app shares: one figure, in-place updates, a visible error area, close().

Hang safety (see PITFALLS.md, "Execution hangs with Output widgets"): no app creates an
``ipywidgets.Output``. Text, tables and errors go into ``widgets.HTML`` (escaped: text typed
by a user is never interpreted as markup), the figure is the ipympl canvas itself or, where
ipympl is not the backend, an ``widgets.Image`` holding a PNG. So executing a notebook that
builds an app never writes into an Output widget, and nbclient cannot hang on it.

Rendering, in the live (ipympl) mode:

* Artists that the frequent controls move (the spokes, the rolled cross-section, the bars)
  are *dynamic*: ``set_animated(True)``, drawn on top of a cached background.
* The background is everything else. It is cached per *static state* (``static_key()``:
  view, side, layers...) in a small LRU of pixel buffers, captured on each full draw.
* A control change updates artists in place, then ``render()``: with a cached background for
  the current static state it restores it and draws only the dynamic artists (a blit); else it
  renders the figure at once (``fig.canvas.draw()``), whose ``draw_event`` captures the new
  background and draws the dynamic artists on it.

One frame per user action, and every frame whole. ipympl's browser side keeps a single
``Image`` and replaces its ``src`` for each frame that arrives; a frame whose successor arrives
before it has loaded is never drawn. matplotlib's web canvas sends *diff* frames (only the
pixels that changed since the previous frame it sent) unless told otherwise, so a dropped frame
put every later diff on the wrong base: the old view stayed, titles doubled, cleared marks
stayed (matplotlib#19116, ipympl#566). Two frames went out for one action whenever a callback
set another control whose own observer rendered too (spokes: a new view resets the hub;
referral: "Clear" empties the regions). So:

* Every callback runs inside an *action* (``_safe``); ``render()`` inside an action only marks
  the figure dirty, and the outermost action renders once when it ends.
* Every frame is a full frame: the front end acknowledges nothing, so no diff is provably
  safe. ``send_whole_frames`` makes the canvas encode every frame whole (opaque RGB, fast zlib
  level: about as quick as the diff it replaces); ``_force_full`` before each frame is the
  belt to those braces. A dropped frame then costs nothing, as the next one is whole.

Callbacks may run on two threads at once: JupyterLab with ipykernel 7 sends some widget
messages through a kernel *subshell*, whose handlers run on their own thread beside the main
one (seen in the browser test: renders on "MainThread" and on "subshell-..."; a blit then ran in
the middle of another callback's savefig and failed). So one lock per app serialises every
action, every draw of the canvas (ipympl's own redraw requests included) and ``to_png``.

First visits (issue 10.5): a view never shown before used to cost its artists and a whole
render while the student waited. Once the first frame is on screen the app pre-draws, in the
kernel's idle time, the other static states a student is likely to ask for next
(``idle_states()``: the other views): ``show_static(state)`` sets the artists, an Agg-only
render (no frame is sent) captures that state's background, and the current state is put back.
Switching view is then a blit over a cached background, like any later visit. One state per
idle step, each step only when no action has come for ``IDLE_AFTER_S`` seconds.

In the image mode (no ipympl: static exports, the inline backend) nothing is animated and each
change re-renders the figure to a PNG in an ``Image`` widget, so a correct picture always shows.
"""

from __future__ import annotations

import asyncio
import html
import io
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt

from hipball._choices import check_choice

RENDER_MODES = ("auto", "canvas", "image")
# Fit the room (issue 10.3): the largest figure, in screen pixels, that fits a 768 px wide tablet
# (JupyterLab leaves about 600 px for an output there, file browser closed) and, beside its
# controls, a 1366x768 projector (about 940 px of output width with the file browser open, about
# 640 px of height). Figures keep their proportions and layout in inches and are scaled to this
# box through their dpi (text scales with them).
SCREEN_BOX_PX = (560, 530)
CONTROLS_WIDTH_PX = 320
BACKGROUND_CACHE = 8  # cached backgrounds per app (about 1.2 MB each on screen)
IDLE_AFTER_S = 0.4  # pre-draw (see the docstring) only after this long without an action
ERROR_STYLE = ("color:#9B1C1C;background:#FDECEC;border-left:4px solid #D55E00;"
               "padding:4px 8px;margin:4px 0;white-space:pre-wrap")


_SCREEN_RC: dict | None = None


def screen_rc() -> dict:
    """hipball's screen theme as an rc dict (loaded once; ``theme()`` re-reads its file)."""
    global _SCREEN_RC
    if _SCREEN_RC is None:
        import matplotlib as mpl

        from hipball.draw.theme import rc_for, style_path

        rc = dict(mpl.rc_params_from_file(style_path(), use_default_template=False))
        rc.update(rc_for("screen"))
        _SCREEN_RC = rc
    return _SCREEN_RC


def screen_dpi(figsize: tuple[float, float]) -> float:
    """The dpi that fits a figure of ``figsize`` inches into ``SCREEN_BOX_PX`` (at most 100)."""
    w, h = figsize
    return float(min(100.0, SCREEN_BOX_PX[0] / w, SCREEN_BOX_PX[1] / h))


def fit_layout(controls: list, figure_column: list, *, figure_width_px: int,
               controls_width: int = CONTROLS_WIDTH_PX) -> widgets.Box:
    """The controls beside the figure where the page is wide enough, above it where it is not:
    one flex row that wraps (no JavaScript, so it works alike in JupyterLab and Voila). The
    figure's column is as wide as the figure, so text under it wraps there."""
    left = widgets.VBox(controls, layout=widgets.Layout(width=f"{controls_width}px", flex="0 0 auto",
                                                        margin="0 16px 8px 0"))
    right = widgets.VBox(figure_column, layout=widgets.Layout(flex="0 1 auto", width=f"{figure_width_px + 8}px",
                                                              max_width="100%"))
    box = widgets.Box([left, right], layout=widgets.Layout(display="flex", flex_flow="row wrap",
                                                           align_items="flex-start", width="100%"))
    box.add_class("hipball-app")
    return box


def png_frame(rgba) -> bytes:
    """An (h, w, 4) uint8 picture as PNG bytes, quickly: opaque pictures as RGB, every row
    unfiltered, deflated at zlib level 1.

    A frame is encoded on every user action while the student waits. Pillow's PNG writer (the
    obvious choice, already a dependency) runs its adaptive per-row filter at every compression
    level, with no option to skip it, and that is most of its time: on the apps' frames (about
    560 x 470 px) it took 24 to 35 ms at level 1 where this takes about 10 ms, for frames of the
    same size or smaller (flat colours deflate well unfiltered). The PNG container is a signature
    and three chunks (IHDR, IDAT, IEND) with CRCs from the standard library's zlib."""
    import struct
    import zlib

    import numpy as np

    h, w = rgba.shape[:2]
    opaque = bool((rgba[:, :, 3] == 255).all())
    px = rgba[:, :, :3] if opaque else rgba
    rows = np.empty((h, 1 + w * px.shape[2]), np.uint8)
    rows[:, 0] = 0  # filter type 0 (None) for every row
    rows[:, 1:] = px.reshape(h, -1)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 2 if opaque else 6, 0, 0, 0)  # 8 bit RGB / RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1))
            + chunk(b"IEND", b""))


def send_whole_frames(canvas) -> None:
    """Make a web canvas (ipympl, matplotlib's webagg) send every frame whole, never a diff.

    Replaces the canvas' ``get_diff_image`` (the one place its frames are made) with one that
    always returns the full picture, encoded by ``png_frame`` (opaque RGB, unfiltered, zlib
    level 1: about a third of the time of matplotlib's RGBA at level 6, on every action).
    ``_last_buff`` is kept as matplotlib keeps it (ipympl reads it for its data URL)."""
    if not hasattr(canvas, "get_diff_image"):
        return

    def whole_frame():
        if not canvas._png_is_old:
            return None
        import numpy as np

        rgba = np.asarray(canvas.get_renderer().buffer_rgba())
        canvas.set_image_mode("full")
        canvas._last_buff = rgba.view(np.uint32).squeeze(2).copy()
        canvas._force_full = False
        canvas._png_is_old = False
        return png_frame(rgba)

    canvas.get_diff_image = whole_frame


def is_ipympl(fig) -> bool:
    """True when the figure's canvas is an ipympl widget (``%matplotlib widget``)."""
    return type(fig.canvas).__module__.startswith("ipympl")


def esc(value) -> str:
    """Text for an HTML widget: escaped, never interpreted as markup."""
    return html.escape(str(value), quote=True)


def html_table(header: list[str], rows: list[list[str]], *, caption: str = "") -> str:
    """A small HTML table from plain strings (each cell escaped here)."""
    head = "".join(f"<th style='text-align:left;padding:2px 6px'>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 6px;vertical-align:top'>{esc(c)}</td>" for c in r)
                   + "</tr>" for r in rows)
    cap = f"<caption style='caption-side:top;text-align:left;font-weight:bold'>{esc(caption)}</caption>" if caption else ""
    return f"<table style='border-collapse:collapse;font-size:90%'>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class App:
    """Base class. Subclasses implement ``build()`` (create the controls and draw the figure
    once, into ``self.fig``), ``update()`` (apply the controls to the artists, in place) and
    ``static_key()`` (what, besides the dynamic artists, the picture depends on); they put the
    artists that change often in ``self.dynamic``. ``self.widget`` is the layout."""

    figsize: tuple[float, float] = (7.0, 6.0)
    uses_figure = True

    def __init__(self, *, render: str = "auto", figsize: tuple[float, float] | None = None):
        check_choice("render", render, RENDER_MODES)
        self._observers: list[tuple[widgets.Widget, Callable, str]] = []
        self._cids: list[int] = []
        self._backgrounds: OrderedDict = OrderedDict()
        self._closed = False
        self._front_end_drew = False  # set by the first draw_event (see render)
        self._lock = threading.RLock()  # one action, draw or export at a time (see the docstring)
        self._depth = 0  # nesting of callbacks in the current user action (see _safe)
        self._dirty = False  # render() was asked for inside the current action
        self._action_failed = False
        self._exporting = False  # to_png is drawing: no background capture
        self.frames_sent = 0  # renders shown (pushed or asked for): one per user action
        self._prerender_key = None  # set while idle_step renders a background (see _on_draw)
        self._last_action = 0.0  # time.monotonic() of the last action (idle pre-drawing waits)
        self._loop = _running_loop()  # the kernel's event loop, for idle pre-drawing (or None)
        self.dynamic: list = []
        self.last_exception: BaseException | None = None
        self.error = widgets.HTML(value="", layout=widgets.Layout(width="auto"))
        self.error.add_class("hipball-error")
        self.fig = None
        self.image: widgets.Image | None = None
        if self.uses_figure:
            import matplotlib as mpl

            size = figsize or self.figsize
            with plt.ioff(), mpl.rc_context(screen_rc()):
                self.fig = plt.figure(figsize=size, dpi=screen_dpi(size))
                self.live = is_ipympl(self.fig) if render == "auto" else render == "canvas"
                self.build()
            if self.live:
                for a in self.dynamic:
                    a.set_animated(True)
                self._cids.append(self.fig.canvas.mpl_connect("draw_event", self._on_draw))
                self._cids.append(self.fig.canvas.mpl_connect("resize_event", self._on_resize))
            self.figure_widget = self._figure_widget()
        else:
            self.live = False
            self.build()
            self.figure_widget = self.image
        self.widget = self.layout()
        self._safe(self.refresh)

    # ----------------------------------------------------------------- subclass hooks
    def build(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self) -> None:
        """Apply the controls to the artists (in place)."""

    def static_key(self) -> tuple:
        return ()

    def idle_states(self) -> list:
        """Static states (values of ``static_key()``) worth pre-drawing while idle."""
        return []

    def show_static(self, state) -> None:
        """Set the artists for the static ``state`` (one of ``idle_states()``), in place."""
        raise NotImplementedError

    def layout(self) -> widgets.Widget:  # pragma: no cover - abstract
        raise NotImplementedError

    # ----------------------------------------------------------------- plumbing
    def _figure_widget(self) -> widgets.Widget:
        if self.live and is_ipympl(self.fig):
            c = self.fig.canvas
            send_whole_frames(c)
            draw = c.draw

            def locked_draw(*args, **kwargs):  # ipympl's own redraws too (the browser asks)
                with self._lock:
                    return draw(*args, **kwargs)

            c.draw = locked_draw
            c.header_visible = False
            c.footer_visible = False
            c.resizable = False
            c.toolbar_position = "left"
            return c
        w, h = (self.fig.get_size_inches() * self.fig.dpi).astype(int)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{w}px", height=f"{h}px",
                                                                       object_fit="contain"))
        return self.image

    def figure_width_px(self) -> int:
        """The figure's width on screen, in CSS pixels."""
        return int(round(self.fig.get_figwidth() * self.fig.dpi)) if self.fig is not None else 0

    def observe(self, widget: widgets.Widget, handler: Callable[[], None], names: str = "value") -> None:
        """Call ``handler()`` (errors shown in the error area) when ``widget``'s trait changes."""
        def cb(change, handler=handler):
            self._safe(handler)
        widget.observe(cb, names=names)
        self._observers.append((widget, cb, names))

    def on_click(self, button: widgets.Button, handler: Callable[[], None]) -> None:
        def cb(_b, handler=handler):
            self._safe(handler)
        button.on_click(cb)
        self._observers.append((button, cb, "__click__"))

    def connect(self, event: str, handler: Callable) -> None:
        """A matplotlib canvas event (``button_press_event``), errors shown in the error area."""
        def cb(ev, handler=handler):
            self._safe(lambda: handler(ev))
        self._cids.append(self.fig.canvas.mpl_connect(event, cb))

    def _safe(self, fn: Callable[[], None]) -> bool:
        """Run a callback as (part of) one user action; show a clear message (escaped) in the
        error area if it fails. Callbacks nest when one sets another control; the figure is
        rendered once, when the outermost one ends (one frame per action)."""
        with self._lock:
            return self._action(fn)

    def _action(self, fn: Callable[[], None]) -> bool:
        outer = self._depth == 0
        if outer:
            self._action_failed = False
            self._last_action = time.monotonic()
        self._depth += 1
        ok = True
        try:
            fn()
        except Exception as exc:  # every callback error must be visible, never lost
            self.last_exception = exc
            self.show_error(exc)
            self._action_failed = True
            ok = False
        finally:
            self._depth -= 1
        if outer:
            if not self._action_failed:
                self.error.value = ""
            if self._dirty:
                self._dirty = False
                try:
                    self._render_now()
                except Exception as exc:
                    self.last_exception = exc
                    self.show_error(exc)
                    ok = False
        return ok

    def show_error(self, exc: BaseException | str) -> None:
        if isinstance(exc, str):
            msg = exc
        elif isinstance(exc, ValueError):
            msg = str(exc)
        else:
            tb = traceback.extract_tb(exc.__traceback__)
            where = f" (in {tb[-1].name}, {tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
            msg = f"Something went wrong: {type(exc).__name__}: {exc}{where}"
        self.error.value = f"<div style='{ERROR_STYLE}'><b>Error:</b> {esc(msg)}</div>"

    def refresh(self) -> None:
        """Apply the controls and show the result (the callbacks' common tail)."""
        import matplotlib as mpl

        with mpl.rc_context(screen_rc()):  # artists created lazily get the same style
            self.update()
            self.render()

    def render(self) -> None:
        """Show the current state: at once outside a callback, else when the action ends."""
        with self._lock:
            if self._depth:
                self._dirty = True
            else:
                self._render_now()

    def _render_now(self) -> None:
        if self.fig is None or self._closed:
            return
        self.frames_sent += 1
        if not self.live:
            self.image.value = self.to_png()
            return
        canvas = self.fig.canvas
        key = self._background_key()
        bg = self._backgrounds.get(key)
        if bg is None:
            # The draw_event captures the background and draws the dynamic artists. Once the
            # browser has drawn a first frame, render now, in the kernel, and the web canvas
            # pushes the frame itself: draw_idle only asks the browser to request a redraw, and
            # a browser still waiting for an earlier frame drops that request (under load a
            # control change could then show nothing). Before the first frame the browser's
            # canvas does not exist yet, so a pushed frame would be lost: ask instead.
            if self._front_end_drew:
                self._whole_frame()
                canvas.draw()
                self.fig.stale = False
            else:
                canvas.draw_idle()
            return
        self._backgrounds.move_to_end(key)
        canvas.restore_region(bg)
        self._draw_dynamic()
        self._whole_frame()
        canvas.blit(self.fig.bbox)
        # The frame just sent is the current picture. Say so: a blit leaves the figure "stale"
        # (its artists changed), and after every widget message ipykernel's comm handler fires
        # IPython's post_execute, where pyplot asks every stale figure to draw_idle. ipympl then
        # makes the browser request a redraw: a second, full draw and frame for each action,
        # queued in front of the user's next action (measured: 150-250 ms of the kernel's time
        # per key press, the browser's next update held back until it was done).
        self.fig.stale = False

    def _whole_frame(self) -> None:
        """The next frame the web canvas sends is a full one (see the module docstring)."""
        if hasattr(self.fig.canvas, "_force_full"):
            self.fig.canvas._force_full = True

    def _background_key(self) -> tuple:
        w, h = self.fig.bbox.size
        return (self.static_key(), round(float(w)), round(float(h)))

    def _draw_dynamic(self) -> None:
        for a in sorted(self.dynamic, key=lambda a: a.get_zorder()):
            if a.get_visible() and a.figure is not None:
                self.fig.draw_artist(a)

    def _on_draw(self, event) -> None:
        if self._closed or self._exporting:
            return
        if self._prerender_key is not None:  # idle pre-drawing: keep the background, nothing else
            self._store_background(self._prerender_key)
            return
        if not self._front_end_drew:
            self._schedule_idle(1.0)
        # any full draw (ours, the browser's request, the toolbar's) sends a whole frame
        if hasattr(self.fig.canvas, "_force_full"):
            self.fig.canvas._force_full = True
        self._front_end_drew = True  # only the browser's request can draw before the first frame
        self._store_background(self._background_key())
        self._draw_dynamic()

    def _store_background(self, key) -> None:
        self._backgrounds[key] = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._backgrounds.move_to_end(key)
        while len(self._backgrounds) > BACKGROUND_CACHE:
            self._backgrounds.popitem(last=False)

    # ----------------------------------------------------------------- idle pre-drawing
    def _schedule_idle(self, delay: float) -> None:
        if self._loop is not None and self.live and not self._closed and self.idle_states():
            try:
                self._loop.call_soon_threadsafe(self._loop.call_later, delay, self._idle_tick)
            except RuntimeError:  # the loop is closed (the kernel is stopping)
                self._loop = None

    def _idle_tick(self) -> None:
        if self._closed:
            return
        wait = IDLE_AFTER_S - (time.monotonic() - self._last_action)
        if wait > 0 or not self._lock.acquire(blocking=False):
            self._schedule_idle(max(wait, 0.1))
            return
        try:
            more = self.idle_step()
        except Exception as exc:  # never in a student's way: the state is drawn when asked for
            self.last_exception = exc
            more = False
        finally:
            self._lock.release()
        if more:
            self._schedule_idle(0.05)

    def idle_step(self) -> bool:
        """Pre-draw one static state not cached yet (see the module docstring); True while
        some are left. Callable directly (tests, notebooks without an event loop)."""
        with self._lock:
            if self._closed or self._depth or not self.live:
                return False
            w, h = self.fig.bbox.size
            size = (round(float(w)), round(float(h)))
            todo = [s for s in self.idle_states() if (s, *size) not in self._backgrounds]
            if not todo:
                return False
            current = self.static_key()
            import matplotlib as mpl
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            # the canvas holds what the browser shows: keep it, and put it back afterwards, so
            # nothing can ever send the pre-drawn view
            on_screen = self.fig.canvas.copy_from_bbox(self.fig.bbox)
            with mpl.rc_context(screen_rc()):
                try:
                    self.show_static(todo[0])
                    self._prerender_key = (todo[0], *size)
                    FigureCanvasAgg.draw(self.fig.canvas)  # render only: no frame goes out
                finally:
                    self._prerender_key = None
                    self.show_static(current)
                    self.fig.canvas.restore_region(on_screen)
            key = self._background_key()
            if key in self._backgrounds:  # the state on screen stays the most recent
                self._backgrounds.move_to_end(key)
            return len(todo) > 1

    def _on_resize(self, event) -> None:
        self._backgrounds.clear()

    def set_dynamic(self, artists) -> None:
        """Replace the set of dynamic artists (e.g. a new legend)."""
        for a in self.dynamic:
            a.set_animated(False)
        self.dynamic = list(artists)
        if self.live:
            for a in self.dynamic:
                a.set_animated(True)

    def add_dynamic(self, artists) -> None:
        for a in artists:
            if self.live:
                a.set_animated(True)
            self.dynamic.append(a)

    def to_png(self, **savefig_kw) -> bytes:
        """The figure as PNG bytes, dynamic artists included (what the user sees)."""
        with self._lock:
            return self._png(**savefig_kw)

    def _png(self, **savefig_kw) -> bytes:
        animated = [a for a in self.dynamic if a.get_animated()]
        for a in animated:
            a.set_animated(False)
        self._exporting = True  # the draw_event must not draw the dynamic artists twice
        try:
            buf = io.BytesIO()
            self.fig.savefig(buf, format="png", **savefig_kw)
        finally:
            self._exporting = False
            for a in animated:
                a.set_animated(True)
            if animated:
                self._backgrounds.clear()  # savefig drew into the canvas: recapture next time
        return buf.getvalue()

    def close(self) -> None:
        """Stop listening to the controls and close the figure (and the widgets)."""
        if self._closed:
            return
        self._closed = True
        for w, cb, names in self._observers:
            if names == "__click__":
                w.on_click(cb, remove=True)
            else:
                w.unobserve(cb, names=names)
        self._observers.clear()
        if self.fig is not None:
            for cid in self._cids:
                self.fig.canvas.mpl_disconnect(cid)
            plt.close(self.fig)
        self._cids.clear()
        self._backgrounds.clear()
        for w in _descendants(self.widget):
            if w is not (self.fig.canvas if self.fig is not None else None):
                w.close()

    # ----------------------------------------------------------------- display
    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def _running_loop():
    """The event loop running this code (a kernel's, while a cell runs), else None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _descendants(w) -> list:
    out = [w]
    for c in getattr(w, "children", ()):
        out += _descendants(c)
    return out


def labelled(description: str, widget: widgets.Widget) -> widgets.Widget:
    """A control with its label above (long labels do not fit the ipywidgets description)."""
    return widgets.VBox([widgets.HTML(f"<b>{esc(description)}</b>"), widget])
