"""RollExplorer: roll the body over the ball and see what it presses on.

In place: per side, the lateral plate with the ball's path is drawn once (the cached
background) and the cross-section once (``draw_roll_section``). The angle slider turns the
section with ``update_roll_section`` (one rotation transform, marker styles and two texts) and
moves one marker on the plate; only those artists are redrawn (blitted) over the background.
"""

from __future__ import annotations

from dataclasses import replace

import ipywidgets as widgets
import numpy as np

from hipball import referral
from hipball._choices import check_range
from hipball.apps.base import App, esc, fit_layout
from hipball.atlas import load_atlas
from hipball.draw.anatomy import draw_hip
from hipball.draw.position import draw_position, floor_band, set_floor, update_position
from hipball.draw.technique import draw_roll_path, draw_roll_section, update_roll_section
from hipball.frame import SIDES, check_side, side_options
from hipball.pose import Camera, pose, position_at, project
from hipball.roll import ANGLE_RANGE, angle_to_reach, roll_contact, trigger_points_3d

BALL_YELLOW = "#F2D94E"
APP_CAMERA = Camera(0.0, 6.0)  # low, as the handout's pictures (hipball.pose.CAMERAS): a thin floor band
CREDIT = ("Geometry: MyoLeg (myo-sim, Apache-2.0) from Rajagopal et al. 2016, with documented corrections. "
          "Cross-section: a teaching model (an ellipse with muscle sectors), not a scan.")


class RollExplorer(App):
    """Roll from lying on the back (0°) over the side (90°) toward face down (150°): the
    cross-section shows the ball under the hip, the plate where it touches, the text what is
    under it. Pick a trigger point and press "Roll to reach it"."""

    figsize = (9.2, 6.4)

    def __init__(self, angle_deg: float = 45, side: str = "right", *, render: str = "auto",
                 figsize: tuple[float, float] | None = None):
        check_side(side)
        check_range("angle_deg", angle_deg, *ANGLE_RANGE, " degrees")
        self._start = dict(angle=int(round(angle_deg)), side=side)
        super().__init__(render=render, figsize=figsize)

    def build(self) -> None:
        s = self._start
        self.angle = widgets.IntSlider(value=s["angle"], min=int(ANGLE_RANGE[0]), max=int(ANGLE_RANGE[1]), step=1,
                                       description="Roll (°)", continuous_update=True,
                                       style={"description_width": "56px"}, layout=widgets.Layout(width="100%"))
        self.side = widgets.ToggleButtons(options=side_options(), value=s["side"],
                                          description="Side", style={"button_width": "auto", "description_width": "56px"})
        self.target = widgets.Dropdown(options=self._targets(s["side"]), description="Trigger point",
                                       style={"description_width": "90px"}, layout=widgets.Layout(width="100%"))
        self.reach = widgets.Button(description="Roll to reach it", icon="rotate-right", layout=widgets.Layout(width="auto"))
        self.under = widgets.HTML(layout=widgets.Layout(width="auto"))
        self.observe(self.angle, self.refresh)
        self.observe(self.side, self.refresh)
        self.on_click(self.reach, self.roll_to_target)
        self.ax_plate = self.fig.add_axes((0.0, 0.04, 0.46, 0.83))
        self.ax_section = self.fig.add_axes((0.5, 0.42, 0.48, 0.5))
        self.ax_pose = self.fig.add_axes((0.5, 0.04, 0.48, 0.3))  # the person on the ball (hipball.pose)
        self.plates: dict = {}
        self.sections: dict = {}
        (self.marker,) = self.ax_plate.plot([], [], "o", ms=15, mfc=BALL_YELLOW, mec="black", mew=1.6, zorder=40)
        self.marker.set_gid("contact")
        self.dynamic = [self.marker]
        self.person = self._person(s["side"], s["angle"])
        self._side(s["side"])

    def layout(self) -> widgets.Widget:
        return fit_layout([self.angle, self.side, self.target, self.reach, self.error], [self.figure_widget, self.under],
                          figure_width_px=self.figure_width_px())

    def static_key(self) -> tuple:
        return (self.side.value,)

    @staticmethod
    def _pose(side: str, angle: float):
        """One camera for every angle, so the person turns smoothly as the slider moves."""
        return replace(pose(position_at(angle), side, angle_deg=angle), camera=APP_CAMERA)

    def _person(self, side: str, angle: float):
        """The person on the ball, drawn once; the slider moves it with update_position."""
        art = draw_position(self._pose(side, angle), ax=self.ax_pose, title=False, cue=False, lw=1.1)
        pts = np.vstack([ring for a in (0, 60, 90, 150) for sd in SIDES
                         for ring, _ in project(self._pose(sd, a)).values()])
        # one floor for every angle (it is drawn once): the band spans where the ball and the limbs
        # resting on the floor touch it over the slider's range, seen by the app's one camera
        set_floor(art, *floor_band([self._pose(side, a) for a in range(0, 151, 15)]))
        pts = np.vstack([pts, [[pts[0, 0], art.floor[0].get_y()]]])
        self.ax_pose.set_xlim(pts[:, 0].min() - 3, pts[:, 0].max() + 3)
        self.ax_pose.set_ylim(pts[:, 1].min() - 6, pts[:, 1].max() + 3)
        self.add_dynamic([*art.body.values(), art.ball, *art.eyes])  # the eyes turn with the head
        for m in art.ball_marks:
            m.set_visible(False)
        return art

    @staticmethod
    def _targets(side: str) -> list[tuple[str, str]]:
        names = referral.muscles()
        known = trigger_points_3d(side)
        return [(f"{names[tp.muscle_id].display_name}, {tp.name}", tp.trp_id) for tp in referral.trigger_points()
                if tp.trp_id in known]

    def _side(self, side: str):
        """The plate and the section of one side, drawn once."""
        if side not in self.plates:
            ax = self.ax_plate
            title = f"{side.capitalize()} hip, from the side:\nwhere the ball touches"
            hip = draw_hip("lateral", side, layers=("skin", "bones", "deep"), labels=False, ax=ax, title=title,
                           credit=False)
            if not self.plates:  # the plate is narrow here: the credit goes along the figure's foot
                self.fig.text(0.01, 0.005, CREDIT, fontsize=6.5, color="#555555", va="bottom")
            path = draw_roll_path("lateral", side, ax=ax)
            xs = path.path.get_xdata()  # keep the whole contact path (and its marker) in view
            lo, hi = ax.get_xlim()
            ax.set_xlim(min(lo, float(xs.min()) - 3.0), max(hi, float(xs.max()) + 3.0))
            group = [a for a in hip.all() if a is not None] + list(hip.ghosts) + [path.path, *path.stops,
                                                                                  *path.stop_labels, *path.trigger_points,
                                                                                  *path.trp_labels.values(), *path.leaders]
            self.plates[side] = (group, ax.get_xlim(), ax.get_ylim(), title)
            sec = draw_roll_section(self._start["angle"], side=side, ax=self.ax_section)
            muscles = [p for ps in sec.muscles.values() for p in ps]
            sec.under.set_visible(False)  # the same words are in the HTML under the figure
            # the pressed points' labels move and show with the angle (update_roll_section): they
            # are drawn per frame like the rest, and hidden with the other side's section
            moving = [sec.skin, *muscles, *sec.bones, sec.ball, sec.floor, *sec.trigger_points, *sec.front_back,
                      *sec.trp_labels.values()]
            self.add_dynamic(moving)
            self.sections[side] = (sec, moving)
            self.ax_section.set_ylim(self.ax_section.get_ylim()[0], 26)
            for a in group + moving:
                a.set_visible(False)
            if sec.title not in self.dynamic:
                self.add_dynamic([sec.title])
        return self.plates[side], self.sections[side]

    # ------------------------------------------------------------------ callbacks
    def roll_to_target(self) -> None:
        """Set the slider to the roll angle that reaches the chosen trigger point."""
        if self.target.value is None:
            raise ValueError("Pick a trigger point first.")
        self.angle.value = int(round(angle_to_reach(self.target.value, self.side.value)))

    def update(self) -> None:
        side, angle = self.side.value, float(self.angle.value)
        if self.target.options != tuple(self._targets(side)):
            self.target.options = self._targets(side)
        for s in self.plates:
            if s != side:
                for a in self.plates[s][0] + self.sections[s][1]:
                    a.set_visible(False)
        (group, xlim, ylim, title), (sec, moving) = self._side(side)
        for a in group + moving:
            a.set_visible(True)
        self.ax_plate.set_xlim(*xlim)
        self.ax_plate.set_ylim(*ylim)
        self.ax_plate.set_title(title)
        update_roll_section(sec, angle)
        c = roll_contact(angle, sec.height_cm, side)
        self.marker.set_data([c.plates["lateral"][0]], [c.plates["lateral"][1]])
        update_position(self.person, self._pose(side, angle))
        self.under.value = self.under_html(c)

    @staticmethod
    def under_html(c) -> str:
        names = load_atlas().display_names
        mus = ", ".join(names[m] for m in c.muscles) or "skin and fat only"
        trps = ", ".join(f"{referral.muscles()[referral.trigger_point(t).muscle_id].display_name} "
                         f"({referral.trigger_point(t).name})" for t in c.trigger_points) or "none here"
        bone = ", ".join(f"{referral.muscles()[referral.trigger_point(t).muscle_id].display_name} "
                         f"({referral.trigger_point(t).name})" for t in c.on_bone)
        return (f"<b>{c.angle_deg:.0f}°, {esc(c.position)}</b> (slice {c.height_cm:.0f} cm above the floor, "
                f"just above the bony bump at the side of the hip).<br><b>Under the ball:</b> {esc(mus)}.<br>"
                f"<b>Trigger points within reach:</b> {esc(trps)}."
                + (f"<br><b>On the trochanter:</b> the bone takes the load off {esc(bone)}." if bone else ""))
