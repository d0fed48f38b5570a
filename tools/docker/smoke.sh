#!/bin/bash
# Build the stand-in image (tools/docker/Dockerfile) and check the student app under a base URL.
#   bash tools/docker/smoke.sh            # needs a running Docker daemon, debootstrap, network to
#                                         # deb.debian.org and PyPI; about 5 to 10 minutes
# What it checks: the image builds (pip resolves hipball's dependencies; postBuild installs the
# Jupyter server settings), and in a container the Voila page of notebooks/student_app.ipynb under
# /user/student-1/ answers with the app (the kernel ran it: a widget view, no error), the server
# has hipball's culling settings on its config path, and its default URL is the student app.
# What it does not: conda (environment.yml), repo2docker itself, JupyterHub, the Helm chart.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="${HIPBALL_DOCKER_WORK:-/tmp/hipball-docker}"
base=hipball-test-base:bookworm
image=hipball-smoke:latest
mkdir -p "$work"
if ! docker image inspect "$base" >/dev/null 2>&1; then
    [ -d "$work/rootfs/usr" ] || debootstrap --variant=minbase \
        --include=python3,python3-venv,python3-pip,ca-certificates,git bookworm "$work/rootfs" \
        http://deb.debian.org/debian
    tar -C "$work/rootfs" -c . | docker import - "$base"
fi
rm -rf "$work/context" && mkdir -p "$work/context"
git -C "$repo" archive HEAD | tar -x -C "$work/context"
cp "$repo/tools/docker/Dockerfile" "$work/context/Dockerfile"   # also when not committed yet
cp /etc/ssl/certs/ca-certificates.crt "$work/context/host-ca.crt"
docker build --network host -t "$image" "$work/context"
name="hipball-smoke-$$"
docker run -d --rm --name "$name" -p 127.0.0.1::8888 -e JUPYTER_TOKEN=smoke "$image" >/dev/null
trap 'docker stop "$name" >/dev/null 2>&1 || true' EXIT
port="$(docker port "$name" 8888/tcp | head -1 | sed 's/.*://')"
url="http://127.0.0.1:$port/user/student-1"
for _ in $(seq 60); do curl -sf -m 5 "$url/api/status?token=smoke" >/dev/null && break; sleep 1; done
page="$(curl -sf -m 120 "$url/voila/render/notebooks/student_app.ipynb?token=smoke")"
grep -q 'application/vnd.jupyter.widget-view+json' <<<"$page" || { echo "FAIL: no widget view"; exit 1; }
if grep -q 'There was an error when executing cell' <<<"$page"; then echo "FAIL: a cell failed"; exit 1; fi
docker exec "$name" jupyter --paths | grep -q '/srv/venv/etc/jupyter' \
    || { echo "FAIL: the environment's Jupyter config folder is not on the server's path"; exit 1; }
home="$(curl -s -o /dev/null -m 30 -w '%{redirect_url}' "$url/?token=smoke")"
grep -q 'voila/render/notebooks/student_app.ipynb' <<<"$home" || { echo "FAIL: default URL is $home"; exit 1; }
docker exec "$name" cat /srv/venv/etc/jupyter/jupyter_server_config.d/hipball.json | grep -q '"cull_idle_timeout": 300' \
    || { echo "FAIL: postBuild did not install the culling settings"; exit 1; }
docker logs "$name" 2>&1 | tail -5
echo "OK: image $image builds; $url/voila/render/notebooks/student_app.ipynb serves the app ($(wc -c <<<"$page") bytes)"
