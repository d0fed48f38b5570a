"""The ball's and the resting limbs' contact with the drawn floor (and the wall) in the position
pictures, as the handout's page-1 row prints them. Prints, per lying picture: the gap between the
ball's lowest drawn point and the floor band's top edge (cm in the drawing, and points at handout
size), the band's height, the resting parts' lowest drawn points relative to the band; per standing
picture: the deepest part of the body past the wall plane (cm, 3D) and the knees' bend.

    python tools/position_contacts.py
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from hipball.draw.position import draw_sequence  # noqa: E402
from hipball.pose import pose, sequence  # noqa: E402

WIDTH_CM = 18.6  # hipball.draw.handout.positions_svg default width: five pictures in a row


def main() -> None:
    fig = Figure(figsize=(WIDTH_CM / 2.54, 5.4 / 2.54))
    arts = draw_sequence(fig, "right", "tennis", "floor", rect=(0, 0, 1, 1))
    fig.canvas.draw()
    for art in arts:
        ax = art.ball.axes
        pt_per_cm = ax.bbox.width / np.ptp(ax.get_xlim())  # display points (72/in) per picture cm
        band = art.floor[0]
        top = band.get_y() + band.get_height()
        gap = art.ball.center[1] - art.ball.radius - top
        lows = {g: float(patch.get_xy()[:, 1].min()) - top for g, patch in art.body.items()}
        lowest = min(lows, key=lows.get)
        print(f"{art.pose.position:6s} ball gap above floor top {gap:6.2f} cm = {gap * pt_per_cm * 72 / fig.dpi:5.2f} pt;"
              f" band {band.get_height():5.2f} cm; lowest part {lowest} {lows[lowest]:6.2f} cm")
    for name in sequence("right", "wall"):
        for side in ("right", "left"):
            p = pose(name, side)
            toward = np.sign(p.wall_x - p.ball_centre[0])
            deep = max((toward * (e.centre[0] - p.wall_x) + np.linalg.norm(e.axes[0]), s.name)
                       for s in p.segments for e in s.parts)
            j = p.joints
            bends = []
            for k in "rl":
                u, v = j[f"hip_{k}"] - j[f"knee_{k}"], j[f"ankle_{k}"] - j[f"knee_{k}"]
                bends.append(180 - np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v))))
            print(f"{name:10s} {side:5s} deepest past the wall {deep[0]:5.2f} cm ({deep[1]});"
                  f" knees bent r {bends[0]:4.1f} l {bends[1]:4.1f} deg")


if __name__ == "__main__":
    main()
