"""The ball's and the resting limbs' contact with the drawn floor (and the wall) in the position
pictures, as the handout's page-1 row prints them. Prints, per lying picture: the gap between the
ball's lowest drawn point and the floor band's top edge (cm in the drawing, and points at handout
size), the band's height, the resting parts' lowest drawn points relative to the band; per standing
picture: the deepest part of the body past the wall plane (cm, 3D), the knees' bend (3D and as
drawn: a bend toward the viewer does not show), and as the
large-print handout's wall row prints them, how far the ball's outline and the body's outlines are
drawn onto the wall's line (points past its inner edge, the wall's drawn surface; 0 = touching).

    python tools/position_contacts.py
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from hipball.draw.position import across_the_wall_line, draw_sequence  # noqa: E402
from hipball.pose import pose, sequence, to_picture  # noqa: E402

WIDTH_CM = 18.6  # hipball.draw.handout.positions_svg default width: five pictures in a row
WALL_ROW_CM = 9.1  # the large-print wall row's height (hipball.handouts.figures: 5.6 + 3.5)


def _bend(hip, knee, ankle) -> float:
    """The knee's bend from straight (degrees), in 3D or as drawn (picture points)."""
    u, v = hip - knee, ankle - knee
    return float(180 - np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v))))


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
            bends, drawn = [], []
            for k in "rl":
                bends.append(_bend(*(j[f"{x}_{k}"] for x in ("hip", "knee", "ankle"))))
                drawn.append(_bend(*to_picture(p, [j[f"{x}_{k}"] for x in ("hip", "knee", "ankle")])))
            print(f"{name:10s} {side:5s} deepest past the wall {deep[0]:5.2f} cm ({deep[1]});"
                  f" knees bent r {bends[0]:4.1f} l {bends[1]:4.1f} deg (drawn r {drawn[0]:4.1f} l {drawn[1]:4.1f})")
    for side in ("right", "left"):  # the wall row of a large-print handout (one hip: three tall pictures)
        fig = Figure(figsize=(WIDTH_CM / 2.54, WALL_ROW_CM / 2.54))
        arts = draw_sequence(fig, side, "tennis", "wall", rect=(0, 0, 1, 1), fontsize=11.0)
        fig.canvas.draw()
        for art in arts:
            onto = across_the_wall_line(art)
            body = max((v, g) for g, v in onto.items() if g != "ball")
            (x0, _), (x1, _) = art.ball.get_transform().transform([(-1.0, 0.0), (1.0, 0.0)])
            print(f"{art.pose.position:10s} {side:5s} drawn onto the wall line: ball {onto['ball']:5.2f} pt"
                  f" (the ball {(x1 - x0) * 72 / fig.dpi:4.1f} pt across), body {body[0]:5.2f} pt ({body[1]})")


if __name__ == "__main__":
    main()
