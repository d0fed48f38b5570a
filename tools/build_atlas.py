#!/usr/bin/env python3
"""Build lib/hipball/data/atlas.json from the MyoLeg model (myo-sim + mujoco).

Maintainer command; the runtime never imports mujoco or myo-sim. Needs the 'atlas' extra:

    pip install -e '.[atlas]'
    python tools/build_atlas.py            # rewrites lib/hipball/data/atlas.json
    python tools/build_atlas.py --check    # exit 1 if the shipped file differs from a rebuild

What it does (see ../shared/ANATOMY.md for the recipe and the model's frames):
1. compile the composed model (legs + passive torso) in its 'standing' keyframe, which sets the
   coupled knee/patella joints; mj_forward gives world positions;
2. convert to the subject frame in centimetres (x to the subject's right, y anterior, z up);
3. find the bony landmarks on the meshes (sites such as ASI_r are skin markers, so take the
   nearest bone vertex);
4. for each view, project the bone meshes, cull back faces, shade each triangle from smoothed
   vertex normals and sort all bones' triangles in ONE painter's order; a painter's raster of
   the same triangles gives each bone's *visible* outline, smoothed in 2D (Chaikin);
5. build each muscle's outline from the model's lines of action plus the explicit corrections
   in data/atlas_corrections.yaml (each with its reason and source).
Output is rounded and written with sorted keys, so a rebuild is byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import yaml
from shapely import affinity
from shapely.geometry import MultiPoint, MultiPolygon, Polygon, LineString
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "lib" / "hipball" / "data"
OUT = DATA / "atlas.json"

# world (m; +X left, +Y posterior, +Z up) -> subject frame (cm; +x right, +y anterior, +z up)
W2S = np.diag([-100.0, -100.0, 100.0])

UP = np.array([0.0, 0.0, 1.0])
VIEW_DIRS = {  # unit vector from the subject toward the viewer
    "posterior": np.array([0.0, -1.0, 0.0]),
    "lateral": np.array([1.0, 0.0, 0.0]),
    "anterolateral": np.array([1.0, 1.0, 0.0]) / np.sqrt(2.0),
}
VIEW_TITLES = {
    "posterior": "posterior view",
    "lateral": "lateral view",
    "anterolateral": "anterolateral view (the front corner of the hip)",
}
# bones drawn in each view (right side; the atlas mirrors for the left)
AXIAL = ["lumbar3_geom_1", "lumbar4_geom_1", "lumbar5_geom_1", "sacrum_geom_1"]
RIGHT_LEG = ["pelvis_r", "femur_r", "patella_r", "tibia_r", "fibula_r", "talus_r", "foot_r", "bofoot_r"]
LEFT_LEG = ["pelvis_l", "femur_l", "patella_l", "tibia_l", "fibula_l", "talus_l", "foot_l", "bofoot_l"]
VIEW_BONES = {
    "posterior": AXIAL + RIGHT_LEG + LEFT_LEG,
    "lateral": AXIAL + RIGHT_LEG,
    # from the front corner the sacrum and the lumbar spine lie behind the abdomen, seen only
    # through the pelvic inlet: drawn, they float beside the ilium as a block and hide the hip
    "anterolateral": RIGHT_LEG,
}
BONE_NAMES = {  # geom -> bone id in the atlas
    "lumbar3_geom_1": "lumbar3", "lumbar4_geom_1": "lumbar4", "lumbar5_geom_1": "lumbar5",
    "sacrum_geom_1": "sacrum_coccyx",
}

# muscles: id -> how to build the outline from the model's lines of action
MUSCLES = {
    "gluteus_maximus": dict(kind="sheet", actuators=["glmax1_r", "glmax2_r", "glmax3_r"], layer="superficial", margin=1.6),
    "gluteus_medius": dict(kind="sheet", actuators=["glmed1_r", "glmed2_r", "glmed3_r"], layer="superficial", margin=1.0),
    "gluteus_minimus": dict(kind="sheet", actuators=["glmin1_r", "glmin2_r", "glmin3_r"], layer="deep", margin=1.3,
                            parts={"anterior": ["glmin1_r"], "posterior": ["glmin3_r"]}),
    "piriformis": dict(kind="spindle", actuators=["piri_r"], layer="deep", width=3.2, belly=(0.0, 0.75)),
    "tensor_fasciae_latae": dict(kind="spindle", actuators=["tfl_r"], layer="superficial", width=3.4, belly=(0.05, 0.9)),
    "quadratus_lumborum": dict(kind="sheet", sites_prefix="QL_", layer="deep", margin=0.8),
    "biceps_femoris": dict(kind="spindle", actuators=["bflh_r"], layer="superficial", width=5.0, belly=(0.12, 0.85)),
    "semitendinosus": dict(kind="spindle", actuators=["semiten_r"], layer="superficial", width=4.2, belly=(0.05, 0.6)),
    "semimembranosus": dict(kind="spindle", actuators=["semimem_r"], layer="deep", width=5.2, belly=(0.35, 0.95)),
    "vastus_lateralis": dict(kind="spindle", actuators=["vaslat_r"], layer="superficial", width=8.0, belly=(0.08, 0.97),
                             tendon=2.5),  # fleshy down to the patella, ending broad in the quadriceps tendon
}
DISPLAY = {
    "gluteus_maximus": "Gluteus maximus",
    "gluteus_medius": "Gluteus medius",
    "gluteus_minimus": "Gluteus minimus",
    "piriformis": "Piriformis",
    "tensor_fasciae_latae": "Tensor fasciae latae",
    "quadratus_lumborum": "Quadratus lumborum",
    "biceps_femoris": "Biceps femoris (long head)",
    "semitendinosus": "Semitendinosus",
    "semimembranosus": "Semimembranosus",
    "vastus_lateralis": "Vastus lateralis",
}
LANDMARK_NAMES = {
    "iliac_crest": "iliac crest",
    "asis": "ASIS",
    "psis": "PSIS",
    "greater_trochanter": "greater trochanter",
    "ischial_tuberosity": "ischial tuberosity",
    "sacrum": "sacrum (S2)",
    "coccyx": "coccyx",
    "lateral_knee_joint_line": "lateral knee joint line",
    "iliac_tubercle": "tubercle of the iliac crest",
    "fibular_head": "head of the fibula",
    "gerdy_tubercle": "Gerdy's tubercle",
    "pubic_tubercle": "pubic tubercle",
}
# muscles drawn in outline only, for orientation on the front-corner plates (not part of the
# routine: no trigger points, no hatch); id -> model actuator, drawn width (cm), fleshy belly
CONTEXT = {
    "sartorius": dict(actuators=["sart_r"], width=4.0, belly=(0.03, 0.9), name="Sartorius"),
    "rectus_femoris": dict(actuators=["recfem_r"], width=6.5, belly=(0.12, 0.85), name="Rectus femoris",
                           end_at="patella_superior"),
}
RASTER_CM = 0.25  # painter's raster for visible bone outlines


def r2(a) -> list:
    return np.round(np.asarray(a, dtype=float), 2).tolist()


# ----------------------------------------------------------------------------- model

def load_model():
    import mujoco
    import myo_sim

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m, d = myo_sim.load("myolegs")
    key = [m.key(i).name for i in range(m.nkey)].index("standing")
    mujoco.mj_resetDataKeyframe(m, d, key)
    mujoco.mj_forward(m, d)
    return mujoco, m, d


def mesh_world(mujoco, m, d, geom_name):
    g = m.geom(geom_name).id
    if int(m.geom_type[g]) != int(mujoco.mjtGeom.mjGEOM_MESH):
        raise ValueError(f"{geom_name} is not a mesh")
    mid = int(m.geom_dataid[g])
    v0, nv = int(m.mesh_vertadr[mid]), int(m.mesh_vertnum[mid])
    f0, nf = int(m.mesh_faceadr[mid]), int(m.mesh_facenum[mid])
    verts = m.mesh_vert[v0:v0 + nv].astype(float)
    faces = m.mesh_face[f0:f0 + nf].astype(np.int64)
    R = d.geom_xmat[g].reshape(3, 3)
    world = d.geom_xpos[g] + verts @ R.T
    return world @ W2S.T, faces


def site(m, d, name):
    return d.site_xpos[m.site(name).id] @ W2S.T


def muscle_path(m, d, actuator):
    a = m.actuator(actuator).id
    t = int(m.actuator_trnid[a, 0])
    adr, num = int(d.ten_wrapadr[t]), int(d.ten_wrapnum[t])
    pts = d.wrap_xpos.reshape(-1, 3)[adr:adr + num] @ W2S.T
    # drop consecutive duplicates (wrap tangent points can coincide)
    keep = [0] + [i for i in range(1, len(pts)) if np.linalg.norm(pts[i] - pts[i - 1]) > 1e-3]
    return pts[keep]


# ----------------------------------------------------------------------------- landmarks

def find_landmarks(m, d, meshes):
    pel, _ = meshes["pelvis_r"]
    fem, _ = meshes["femur_r"]
    sac, _ = meshes["sacrum_geom_1"]
    tib, _ = meshes["tibia_r"]
    hjc = site(m, d, "HJC_r")

    def nearest(verts, p):
        return verts[np.argmin(np.linalg.norm(verts - p, axis=1))]

    lm = {}
    lm["iliac_crest"] = pel[np.argmax(pel[:, 2])]
    lm["asis"] = nearest(pel, site(m, d, "ASI_r"))
    lm["psis"] = nearest(pel, site(m, d, "PSI_r"))
    # the hamstrings arise from the tuberosity: the bone vertex nearest their common origin
    # (the lowest pelvis vertex would be the ischiopubic ramus, in front of the tuberosity)
    lm["ischial_tuberosity"] = nearest(pel, muscle_path(m, d, "bflh_r")[0])
    upper = fem[fem[:, 2] > hjc[2] - 8.0]
    lm["greater_trochanter"] = upper[np.argmax(upper[:, 0])]          # most lateral: palpable
    lateral = fem[fem[:, 0] > hjc[0] + 3.5]
    lm["trochanter_tip"] = lateral[np.argmax(lateral[:, 2])]          # superior tip
    zlo, zhi = sac[:, 2].min(), sac[:, 2].max()
    band = sac[(np.abs(sac[:, 2] - (zlo + 0.62 * (zhi - zlo))) < 1.2) & (np.abs(sac[:, 0]) < 2.0)]
    lm["sacrum"] = band[np.argmin(band[:, 1])]                        # posterior surface, ~S2
    lm["coccyx"] = sac[np.argmin(sac[:, 2])]
    plateau_z = site(m, d, "tibial_plateau_r")[2] if "tibial_plateau_r" in _site_names(m) else site(m, d, "KJC_r")[2]
    ring = tib[np.abs(tib[:, 2] - plateau_z) < 1.5]
    lm["lateral_knee_joint_line"] = ring[np.argmax(ring[:, 0])]
    lm["hip_joint_centre"] = hjc
    lm["knee_joint_centre"] = site(m, d, "KJC_r")
    lm["lateral_femoral_epicondyle"] = nearest(fem, site(m, d, "LFC_r"))
    lm["lateral_malleolus"] = site(m, d, "LMAL_r")
    lm["gerdy_tubercle"] = muscle_path(m, d, "tfl_r")[-1]
    fib, _ = meshes["fibula_r"]
    lm["fibular_head"] = fib[np.argmax(fib[:, 2])]
    pat, _ = meshes["patella_r"]
    lm["patella_superior"] = pat[np.argmax(pat[:, 2])]
    # pubic tubercle: the most anterior bone near the midline (the groin crease runs to it)
    front = pel[pel[:, 0] < 3.5]
    lm["pubic_tubercle"] = front[np.argmax(front[:, 1])]
    return lm


def add_crest_landmarks(lm, pelvis_verts, crest):
    """The tubercle of the iliac crest: the most lateral bone on the outer lip about a third
    of the way from the ASIS to the PSIS (about 5 cm behind the ASIS)."""
    c = crest[3]  # t = 0.3 on the crest line (11 samples)
    near = pelvis_verts[np.linalg.norm(pelvis_verts - c, axis=1) < 3.0]
    near = near[near[:, 2] > c[2] - 3.0]
    lm["iliac_tubercle"] = near[np.argmax(near[:, 0])]


def _site_names(m):
    return {m.site(i).name for i in range(m.nsite)}


def crest_line(pelvis_verts, lm):
    """The rim of the iliac crest from the ASIS (t=0) to the PSIS (t=1): highest vertex per
    slice along the line between them, smoothed."""
    a, p = lm["asis"], lm["psis"]
    axis = p - a
    axis[2] = 0.0
    length = np.linalg.norm(axis)
    axis /= length
    s = (pelvis_verts - a) @ axis / length
    pts = []
    for t in np.linspace(0.0, 1.0, 11):
        sel = pelvis_verts[np.abs(s - t) < 0.06]
        if len(sel):
            pts.append(sel[np.argmax(sel[:, 2])])
    pts = np.array(pts)
    # light smoothing along the line
    sm = pts.copy()
    sm[1:-1] = (pts[:-2] + 2 * pts[1:-1] + pts[2:]) / 4.0
    return sm


# ----------------------------------------------------------------------------- geometry helpers

def basis(view):
    v = VIEW_DIRS[view]
    right = np.cross(UP, v)
    right /= np.linalg.norm(right)
    return right, UP, v


def project(points, view):
    right, up, v = basis(view)
    p = np.atleast_2d(points)
    return np.c_[p @ right, p @ up], p @ v


def chaikin(coords, iterations=3, closed=True):
    pts = np.asarray(coords, dtype=float)
    if closed and np.allclose(pts[0], pts[-1]):
        pts = pts[:-1]
    for _ in range(iterations):
        nxt = np.roll(pts, -1, axis=0) if closed else pts[1:]
        cur = pts if closed else pts[:-1]
        q = 0.75 * cur + 0.25 * nxt
        r = 0.25 * cur + 0.75 * nxt
        new = np.empty((2 * len(cur), 2))
        new[0::2], new[1::2] = q, r
        pts = new if closed else np.vstack([pts[0], new, pts[-1]])
    return pts


def polygon_coords(poly: Polygon, tol=0.08, smooth=3):
    poly = poly.simplify(tol, preserve_topology=True)
    ring = np.asarray(poly.exterior.coords)
    ring = chaikin(ring, smooth)
    # orient counter-clockwise, start at the lowest-leftmost point: deterministic
    if Polygon(ring).exterior.is_ccw is False:
        ring = ring[::-1]
    start = np.lexsort((ring[:, 0], ring[:, 1]))[0]
    ring = np.roll(ring, -start, axis=0)
    return r2(ring)


def largest(geom):
    if isinstance(geom, MultiPolygon):
        return max(geom.geoms, key=lambda g: g.area)
    return geom


def spindle(path2d, max_width, belly=(0.1, 0.9), tendon_width=0.6):
    """A fusiform outline along a 2D polyline: tendon width at both ends, full width over the
    fleshy belly [belly0, belly1] (fractions of the length), smooth (cosine) tapers."""
    line = LineString(path2d)
    L = line.length
    n = 60
    s = np.linspace(0, L, n)
    pts = np.array([line.interpolate(x).coords[0] for x in s])
    t = s / L
    b0, b1 = belly
    mid = (b0 + b1) / 2.0
    half = (b1 - b0) / 2.0
    u = np.clip(1.0 - np.abs(t - mid) / max(half, 1e-6), 0.0, 1.0)
    w = tendon_width + (max_width - tendon_width) * np.sin(np.pi / 2 * u) ** 1.2
    tang = np.gradient(pts, axis=0)
    tang /= np.linalg.norm(tang, axis=1, keepdims=True)
    nrm = np.c_[-tang[:, 1], tang[:, 0]]
    left = pts + nrm * (w[:, None] / 2)
    right = pts - nrm * (w[:, None] / 2)
    return Polygon(np.vstack([left, right[::-1]])).buffer(0)


# ----------------------------------------------------------------------------- muscles

def _named(name, lm, paths):
    """A landmark, or "<actuator>@<k>": the k-th point of that muscle's line of action."""
    if "@" in name:
        act, k = name.split("@")
        return paths[act][int(k)]
    return lm[name]


def resolve_point(spec, lm, crest, paths):
    if "at" in spec:
        p = _named(spec["at"], lm, paths)
    elif "crest" in spec:
        t = float(spec["crest"])
        idx = t * (len(crest) - 1)
        i0 = int(np.floor(idx))
        i1 = min(i0 + 1, len(crest) - 1)
        p = crest[i0] + (idx - i0) * (crest[i1] - crest[i0])
    elif "lerp" in spec:
        a, b, t = spec["lerp"]
        a, b = _named(a, lm, paths), _named(b, lm, paths)
        p = a + float(t) * (b - a)
    else:
        raise ValueError(f"cannot resolve point {spec}")
    return np.asarray(p, dtype=float) + np.asarray(spec.get("offset", [0, 0, 0]), dtype=float)


def build_muscles_3d(m, d, lm, crest, corrections):
    """3D point sets per muscle (and part), after corrections."""
    actuators = {a for spec in MUSCLES.values() for a in spec.get("actuators", [])}
    paths = {a: muscle_path(m, d, a) for a in sorted(actuators)}
    out = {}
    for mid, spec in MUSCLES.items():
        entry = {"paths": [paths[a] for a in spec.get("actuators", [])], "extra": [], "parts": {}}
        if "sites_prefix" in spec:
            names = sorted(n for n in _site_names(m) if n.startswith(spec["sites_prefix"]) and n.endswith("_r"))
            entry["site_points"] = np.array([site(m, d, n) for n in names])
        for part, acts in spec.get("parts", {}).items():
            entry["parts"][part] = {"paths": [paths[a] for a in acts], "extra": []}
        out[mid] = entry
    applied = []
    for c in corrections:
        mid = c["muscle"]
        if mid in CONTEXT:  # an orientation outline: applied in context_path()
            applied.append(c["id"])
            continue
        for ps in c.get("add_points", []):
            p = resolve_point(ps, lm, crest, paths)
            if c.get("part") == "iliotibial_band":
                out[mid].setdefault("itb", []).append(p)
            else:
                out[mid]["extra"].append(p)
                if "part" in ps:
                    out[mid]["parts"][ps["part"]]["extra"].append(p)
        if "itb_edges" in c:  # the iliotibial band as a sheet between two edges
            out[mid]["itb_edges"] = {edge: np.array([resolve_point(ps, lm, crest, paths) for ps in pts])
                                     for edge, pts in c["itb_edges"].items()}
        if "end_at" in c:  # the muscle ends here: later path points are dropped
            out[mid]["end_at"] = resolve_point(c["end_at"], lm, crest, paths)
        if "insertion_at" in c:  # the last path point moves here
            out[mid]["insertion_at"] = resolve_point(c["insertion_at"], lm, crest, paths)
        if "above_muscle" in c:
            out[mid]["above_muscle"] = c["above_muscle"]
        if "behind_band" in c:
            out[mid]["behind_band"] = dict(c["behind_band"])
        if "hidden_behind" in c:
            out[mid]["hidden_behind"] = dict(c["hidden_behind"])
        if "belly_end_fraction" in c:
            out[mid]["belly_end_fraction"] = float(c["belly_end_fraction"])
        if "min_abs_x_cm" in c:
            out[mid]["min_abs_x"] = float(c["min_abs_x_cm"])
        applied.append(c["id"])
    return out, paths


def context_path(cid, spec, paths, lm, crest, corrections):
    """An orientation muscle's course in 3D: the model's line of action with the corrections
    for it (``origin_at``: the first point moves there; ``via_points``: the course runs through
    them, top to bottom, and then on along the model's points below the last of them)."""
    path = np.asarray(paths[spec["actuators"][0]], dtype=float)
    for c in corrections:
        if c["muscle"] != cid:
            continue
        if "via_points" in c:
            via = np.array([resolve_point(ps, lm, crest, paths) for ps in c["via_points"]])
            path = np.vstack([path[:1], via, path[1:][path[1:, 2] < via[-1, 2] - 1.0]])
        if "origin_at" in c:
            path = np.vstack([resolve_point(c["origin_at"], lm, crest, paths), path[1:]])
    # the model runs rectus femoris on to the tibia through the patellar ligament: drawn to the patella
    ends = {"end_at": lm[spec["end_at"]]} if "end_at" in spec else {}
    return _end_path(path, ends)


def sheet_polygon(points2d, margin):
    hull = MultiPoint([tuple(p) for p in points2d]).convex_hull
    return hull.buffer(margin, quad_segs=8)


def muscle_outlines(mid, entry, view):
    spec = MUSCLES[mid]
    result = {}
    if spec["kind"] == "sheet":
        pts = [p for path in entry["paths"] for p in path] + list(entry["extra"])
        if "site_points" in entry:
            pts += list(entry["site_points"])
        pts = np.array(pts)
        if "min_abs_x" in entry:  # keep the muscle beside the midline structures
            pts[:, 0] = np.maximum(pts[:, 0], entry["min_abs_x"])
        xy, depth = project(pts, view)
        poly = sheet_polygon(xy, spec["margin"])
        result["shape"] = poly
        result["depth"] = float(np.mean(depth))
        for part, pe in entry["parts"].items():
            ppts = [p for path in pe["paths"] for p in path] + list(pe["extra"])
            pxy, _ = project(np.array(ppts), view)
            result.setdefault("parts", {})[part] = sheet_polygon(pxy, spec["margin"]).intersection(poly)
        fibres = [project(path, view)[0] for path in entry["paths"]]
    else:
        path = entry["paths"][0]
        if mid == "vastus_lateralis":
            path = np.vstack([np.array(entry["extra"]), path])
        path = _end_path(path, entry)
        xy, depth = project(path, view)
        belly = spec["belly"]
        if "belly_end_fraction" in entry:  # TFL: the fleshy belly only, the rest is the ITB
            line = LineString(xy)
            end = line.interpolate(entry["belly_end_fraction"], normalized=True)
            cut = [c for c in line.coords if line.project(__import__("shapely").geometry.Point(c)) < line.project(end)]
            xy = np.array(cut + [end.coords[0]])
        result["shape"] = spindle(xy, _width(spec["width"], view, mid), belly, tendon_width=spec.get("tendon", 0.6))
        result["depth"] = float(np.mean(depth))
        fibres = [xy]
    if "itb_edges" in entry:
        result.setdefault("parts", {})["iliotibial_band"] = band_between(
            project(entry["itb_edges"]["anterior"], view)[0], project(entry["itb_edges"]["posterior"], view)[0])
    result["fibres"] = fibres
    return result


def _end_path(path, entry):
    """Apply an insertion move or an 'ends here' correction to a line of action."""
    path = np.asarray(path, dtype=float)
    if "insertion_at" in entry:
        path = np.vstack([path[:-1], entry["insertion_at"]])
    if "end_at" in entry:
        end = entry["end_at"]
        keep = path[path[:, 2] > end[2] + 1.0]
        path = np.vstack([keep, end])
    return path


def band_between(edge_a, edge_b):
    """A sheet between two 2D edge polylines sampled at matching stations (top to bottom): the
    union of the quadrilaterals between consecutive stations, so it stays valid when the sheet
    is seen edge-on or twists."""
    quads = [MultiPoint([tuple(edge_a[i]), tuple(edge_a[i + 1]), tuple(edge_b[i + 1]), tuple(edge_b[i])]).convex_hull
             .buffer(0.35, quad_segs=4) for i in range(len(edge_a) - 1)]
    return unary_union(quads)


def cut_below(shape, other):
    """``shape`` minus everything below the upper border of ``other`` (over other's width plus
    2 cm each side): e.g. gluteus minimus kept above piriformis."""
    x0, _, x1, _ = other.bounds
    xs = np.linspace(x0, x1, 40)
    top = []
    for x in xs:
        hit = other.intersection(LineString([(x, -1e3), (x, 1e3)]))
        top.append(hit.bounds[3] if not hit.is_empty else np.nan)
    top = np.array(top)
    ok = ~np.isnan(top)
    xs, top = xs[ok], top[ok]
    ring = [(xs[0] - 2.0, top[0])] + list(zip(xs, top)) + [(xs[-1] + 2.0, top[-1]), (xs[-1] + 2.0, -1e3),
                                                          (xs[0] - 2.0, -1e3)]
    return shape.difference(Polygon(ring).buffer(0))


def cut_in_front_of(shape, band):
    """``shape`` minus everything right of ``band``'s left (back) edge, at each height: seen
    from the front corner, gluteus maximus shows only behind the iliotibial band."""
    swap = [0, 1, -1, 0, 0, 0]  # (x, y) -> (y, -x): "right of the left edge" becomes "below the top"
    back = [0, -1, 1, 0, 0, 0]
    s2, b2 = affinity.affine_transform(shape, swap), affinity.affine_transform(band, swap)
    return affinity.affine_transform(cut_below(s2, b2), back)


def _width(w, view, mid):
    # muscles seen edge-on in a view look narrower; hamstrings mostly from behind
    if view == "lateral" and mid in ("semitendinosus", "semimembranosus"):
        return w * 0.7
    if view == "anterolateral" and mid == "tensor_fasciae_latae":
        return w * 1.35  # its flat belly faces this view (seen edge-on from the side)
    return w


# ----------------------------------------------------------------------------- nerves

def nerve_3d(st, lm, crest, paths):
    """A nerve's course in 3D from the named points in data/atlas_corrections.yaml."""
    out = {part: np.array([resolve_point(ps, lm, crest, paths) for ps in st[part]]) for part in ("pelvic_path", "path")}
    out["branches"] = {b: np.array([resolve_point(ps, lm, crest, paths) for ps in pts])
                       for b, pts in st.get("branches", {}).items()}
    return out


def _smooth_line(xy):
    return chaikin(xy, 2, closed=False) if len(xy) > 2 else np.asarray(xy, dtype=float)


def nerve_view(n, st, view):
    """A nerve in one view: its smoothed centre line (the part outside the pelvis), the part
    inside the pelvis, its branches, and an outline of its drawn width."""
    path = _smooth_line(project(n["path"], view)[0])
    w = float(st["width_cm"])
    return {
        "path": r2(path),
        "pelvic_path": r2(_smooth_line(project(n["pelvic_path"], view)[0])),
        "branches": {b: r2(_smooth_line(project(p, view)[0])) for b, p in sorted(n["branches"].items())},
        "outline": polygon_coords(LineString(path).buffer(w / 2.0, quad_segs=8), tol=0.03, smooth=1),
        "width": w,
    }


# ----------------------------------------------------------------------------- bones

def vertex_normals(verts, faces):
    fn = np.cross(verts[faces[:, 1]] - verts[faces[:, 0]], verts[faces[:, 2]] - verts[faces[:, 0]])
    vn = np.zeros_like(verts)
    for k in range(3):
        np.add.at(vn, faces[:, k], fn)
    vn /= np.maximum(np.linalg.norm(vn, axis=1, keepdims=True), 1e-12)
    return fn, vn


def bones_for_view(meshes, view):
    right, up, v = basis(view)
    light = 0.75 * v + 0.45 * up - 0.35 * right
    light /= np.linalg.norm(light)
    all_xy, tris, shades, depths, owners = [], [], [], [], []
    offset = 0
    names = []
    for gi, geom in enumerate(VIEW_BONES[view]):
        verts, faces = meshes[geom]
        fn, vn = vertex_normals(verts, faces)
        facing = fn @ v > 0
        f = faces[facing]
        xy, dep = project(verts, view)
        lam = np.clip(vn @ light, 0.0, 1.0)
        s = 0.42 + 0.58 * lam[f].mean(axis=1)
        all_xy.append(xy)
        tris.append(f + offset)
        shades.append(s)
        depths.append(dep[f].mean(axis=1))
        owners.append(np.full(len(f), gi))
        offset += len(verts)
        names.append(BONE_NAMES.get(geom, geom))
    xy = np.vstack(all_xy)
    tri = np.vstack(tris)
    shade = np.concatenate(shades)
    depth = np.concatenate(depths)
    owner = np.concatenate(owners)
    order = np.lexsort((np.arange(len(depth)), np.round(depth, 4)))  # far first, stable
    tri, shade, owner = tri[order], shade[order], owner[order]
    # compact the vertex list to the used vertices, in first-use order
    used, inverse = np.unique(tri.ravel(), return_inverse=True)
    xy = xy[used]
    tri = inverse.reshape(-1, 3)
    outlines = visible_outlines(xy, tri, owner, names)
    return {
        "names": names,
        "vertices": r2(xy),
        "triangles": tri.tolist(),
        "shade": np.round(shade * 100).astype(int).tolist(),
        "bone": owner.tolist(),
        "outlines": outlines,
    }


def visible_outlines(xy, tri, owner, names):
    """Paint triangles far-to-near into a raster of bone ids, then trace each bone's visible
    region (contourpy) and smooth it: outlines of hidden parts are never drawn."""
    import contourpy

    lo = xy.min(axis=0) - 1.0
    hi = xy.max(axis=0) + 1.0
    nx, ny = (np.ceil((hi - lo) / RASTER_CM)).astype(int) + 1
    ids = np.full((ny, nx), -1, dtype=np.int32)
    gx = lo[0] + np.arange(nx) * RASTER_CM
    gy = lo[1] + np.arange(ny) * RASTER_CM
    for t, o in zip(tri, owner):
        p = xy[t]
        x0, y0 = np.floor((p.min(axis=0) - lo) / RASTER_CM).astype(int)
        x1, y1 = np.ceil((p.max(axis=0) - lo) / RASTER_CM).astype(int) + 1
        X, Y = np.meshgrid(gx[x0:x1], gy[y0:y1])
        (ax, ay), (bx, by), (cx, cy) = p
        den = (by - cy) * (ax - cx) + (cx - bx) * (ay - cy)
        if abs(den) < 1e-12:
            continue
        l1 = ((by - cy) * (X - cx) + (cx - bx) * (Y - cy)) / den
        l2 = ((cy - ay) * (X - cx) + (ax - cx) * (Y - cy)) / den
        inside = (l1 >= -1e-9) & (l2 >= -1e-9) & (l1 + l2 <= 1 + 1e-9)
        ids[y0:y1, x0:x1][inside] = o
    outlines = {}
    for k, name in enumerate(names):
        mask = (ids == k).astype(float)
        if mask.sum() < 4:
            continue
        gen = contourpy.contour_generator(gx, gy, mask, name="serial")
        rings = []
        for line in gen.lines(0.5):
            if len(line) < 8:
                continue
            ring = chaikin(line, 2, closed=True)
            poly = Polygon(ring)
            if poly.area < 1.0:
                continue
            rings.append(r2(np.asarray(poly.simplify(0.05).exterior.coords)))
        outlines[name] = rings
    return outlines


# ----------------------------------------------------------------------------- assembly

def build() -> dict:
    mujoco, m, d = load_model()
    geoms = sorted({g for gs in VIEW_BONES.values() for g in gs})
    meshes = {g: mesh_world(mujoco, m, d, g) for g in geoms}
    lm = find_landmarks(m, d, meshes)
    crest = crest_line(meshes["pelvis_r"][0], lm)
    add_crest_landmarks(lm, meshes["pelvis_r"][0], crest)
    spec = yaml.safe_load((DATA / "atlas_corrections.yaml").read_text())
    corrections, structures = spec["corrections"], spec["structures"]
    m3d, paths = build_muscles_3d(m, d, lm, crest, corrections)
    for spec in CONTEXT.values():
        for a in spec["actuators"]:
            paths.setdefault(a, muscle_path(m, d, a))
    n3d = {st["id"]: nerve_3d(st, lm, crest, paths) for st in structures}

    views = {}
    for view in VIEW_DIRS:
        bones = bones_for_view(meshes, view)
        landmarks = {k: r2(project(p, view)[0][0]) for k, p in sorted(lm.items())}
        muscles = {}
        shapes = {}
        for mid in MUSCLES:
            o = muscle_outlines(mid, m3d[mid], view)
            shapes[mid] = o
        for mid, o in shapes.items():
            above = m3d[mid].get("above_muscle")
            if above and view in above["views"]:  # e.g. gluteus minimus lies above piriformis
                o["shape"] = largest(cut_below(o["shape"], shapes[above["muscle"]]["shape"]))
                o["parts"] = {p: g.intersection(o["shape"]) for p, g in o.get("parts", {}).items()}
        for mid, o in shapes.items():
            parts = o.get("parts", {})
            if "anterior" in parts and "posterior" in parts:  # two regions that do not overlap
                parts["posterior"] = largest(parts["posterior"].difference(parts["anterior"]))
            bb = m3d[mid].get("behind_band")
            if bb and view in bb["views"]:
                band = shapes["tensor_fasciae_latae"]["parts"]["iliotibial_band"]
                o["shape"] = largest(cut_in_front_of(o["shape"], band.buffer(0.6)))
        for mid, o in shapes.items():
            spec = MUSCLES[mid]
            entry = {
                "layer": spec["layer"],
                "depth": round(o["depth"], 2),
                "outline": polygon_coords(largest(o["shape"])),
                "fibres": [r2(f) for f in o["fibres"]],
            }
            if "parts" in o:
                entry["parts"] = {p: polygon_coords(largest(g)) for p, g in sorted(o["parts"].items()) if not g.is_empty}
            hb = m3d[mid].get("hidden_behind")
            if hb and view in hb["views"]:  # e.g. piriformis arises from the FRONT of the sacrum
                # the whole bone's silhouette (its visible outline stops where the ilium overlaps it)
                geom = {v: k for k, v in BONE_NAMES.items()}.get(hb["bone"], hb["bone"])
                bone = MultiPoint([tuple(q) for q in project(meshes[geom][0], view)[0]]).convex_hull
                seen = largest(o["shape"].difference(bone.buffer(-0.3)))
                entry["visible"] = polygon_coords(seen)
            muscles[mid] = entry
        context = {}
        for cid, spec in CONTEXT.items():
            path = context_path(cid, spec, paths, lm, crest, corrections)
            xy, depth = project(path, view)
            if len(xy) > 2:  # a course through via points: a smooth curve, no corners
                xy = _smooth_line(xy)
            context[cid] = {"outline": polygon_coords(spindle(xy, spec["width"], spec["belly"])),
                            "depth": round(float(np.mean(depth)), 2), "fibres": [r2(xy)]}
        views[view] = {
            "title": VIEW_TITLES[view],
            "bones": bones,
            "landmarks": landmarks,
            "muscles": muscles,
            "context": context,
            "nerves": {st["id"]: nerve_view(n3d[st["id"]], st, view) for st in structures},
            "crest": r2(project(crest, view)[0]),
        }
    import myo_sim

    return {
        "format": 1,
        "units": "cm",
        "frame": "subject frame: x to the subject's right, y anterior, z up; 2D views: see views.*.axes",
        "source": {
            "model": "MyoLeg via myo-sim (composed 'myolegs': legs + passive torso), 'standing' keyframe",
            "myo_sim": getattr(myo_sim, "__version__", "0.2.4"),
            "mujoco": mujoco.__version__,
            "derived_from": "Rajagopal et al. 2016, IEEE TBME, doi:10.1109/TBME.2016.2586891",
            "licence": "Apache-2.0 (model geometry); see NOTICE",
        },
        "axes": {
            "posterior": "x: toward the subject's right (cm from the midline); y: height above the floor (cm)",
            "lateral": "x: anterior (cm); y: height above the floor (cm)",
            "anterolateral": "x: the viewer's right, seen from 45 degrees in front of the right side; y: height (cm)",
        },
        "display_names": DISPLAY,
        "landmark_names": LANDMARK_NAMES,
        "landmarks_3d": {k: r2(p) for k, p in sorted(lm.items())},
        "muscle_paths_3d": {a: r2(p) for a, p in sorted(paths.items())},
        "corrections_applied": [c["id"] for c in corrections],
        "structures_added": [st["id"] for st in structures],
        "structure_names": {st["id"]: st["name"] for st in structures},
        "context_names": {cid: spec["name"] for cid, spec in CONTEXT.items()},
        "nerves_3d": {k: {part: (r2(v) if part != "branches" else {b: r2(p) for b, p in sorted(v.items())})
                          for part, v in sorted(n.items())} for k, n in sorted(n3d.items())},
        "views": views,
    }


def dumps(atlas: dict) -> str:
    return json.dumps(atlas, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare a rebuild with the shipped file; exit 1 if different")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    text = dumps(build())
    if args.check:
        shipped = args.out.read_text() if args.out.exists() else ""
        same = shipped == text
        print(f"atlas rebuild {'matches' if same else 'DIFFERS from'} {args.out} "
              f"(sha256 {hashlib.sha256(text.encode()).hexdigest()[:12]})")
        return 0 if same else 1
    args.out.write_text(text)
    print(f"wrote {args.out} ({len(text) / 1024:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
