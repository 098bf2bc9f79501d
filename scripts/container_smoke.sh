#!/usr/bin/env bash
# Container smoke test without a Docker daemon: build the Dockerfile with podman, run the image,
# fetch /healthz, / and the Plotly asset from it, check the user and the HEALTHCHECK, clean up.
#
# Registries cannot be pulled here, so the Dockerfile's FROM image is replaced by a stand-in made
# locally (DESIGN.md section 6): Debian bookworm from debootstrap, python3 with a venv at
# /usr/local so `python` and `pip` behave as in python:3.11-slim (Debian's own python refuses
# pip installs, PEP 668). The stand-in is built once and cached in podman's storage.
#
# Needs root (apt-get, podman). Usage: scripts/container_smoke.sh [--rebuild-base]
#   LERENG_SMOKE_KEEP=1  keep the built image afterwards (the container is always removed).
set -euo pipefail
cd "$(dirname "$0")/.."

STANDIN=localhost/lereng-standin-base:bookworm
IMAGE=localhost/lereng-smoke:latest
NAME="lereng-smoke-$$"
t0=$SECONDS
say() { printf '[smoke %4ss] %s\n' "$((SECONDS - t0))" "$*"; }

if [[ ${1:-} == --rebuild-base ]]; then REBUILD=1; else REBUILD=0; fi

# 1. Tools: podman with runc (crun fails on this cgroup v1 host), debootstrap for the base.
if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null; then
  say "installing podman runc debootstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null
fi

# 2. A private containers.conf (the system one is left alone): runc, lowered ulimits.
CONF_DIR=$(mktemp -d)
WORK=$(mktemp -d)
cleanup() {
  podman rm -f -t 2 "$NAME" >/dev/null 2>&1 || true
  if [[ ${LERENG_SMOKE_KEEP:-0} != 1 ]]; then podman rmi -f "$IMAGE" >/dev/null 2>&1 || true; fi
  rm -rf "$CONF_DIR" "$WORK"
}
trap cleanup EXIT
cat >"$CONF_DIR/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF="$CONF_DIR/containers.conf"

# 3. The stand-in base, tagged with every image name the Dockerfile's FROM lines use.
mapfile -t FROMS < <(awk 'toupper($1) == "FROM" { print $2 }' Dockerfile | sort -u)
if [[ $REBUILD == 1 ]] || ! podman image exists "$STANDIN"; then
  say "making the stand-in base with debootstrap (once; cached afterwards)"
  ROOTFS="$WORK/rootfs"
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    bookworm "$ROOTFS" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log"; exit 1; }
  chroot "$ROOTFS" python3 -m venv /usr/local
  # This machine reaches PyPI through a TLS-inspecting egress: the stand-in trusts the host's
  # CA bundle, as the real python image trusts the public CAs on an ordinary network.
  cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
  printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$ROOTFS/etc/pip.conf"
  rm -rf "$ROOTFS/var/cache/apt/archives/"*.deb "$ROOTFS/var/lib/apt/lists/"*
  tar -C "$ROOTFS" -c . | podman import \
    --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' \
    - "$STANDIN" >/dev/null
fi
for name in "${FROMS[@]}"; do podman tag "$STANDIN" "$name"; done
say "stand-in base ready as ${FROMS[*]}"

# 4. Build (docker format keeps the HEALTHCHECK; OCI images drop it).
podman build --format docker --pull=never -t "$IMAGE" . >"$WORK/build.log" 2>&1 \
  || { tail -40 "$WORK/build.log"; exit 1; }
say "image built: $(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"

# 5. Run it and ask it for pages.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Without systemd podman cannot schedule the periodic healthcheck (it says so on stderr); the
# check itself is run by hand below.
podman run -d --name "$NAME" -p "127.0.0.1:$PORT:8000" "$IMAGE" 2>&1 >/dev/null \
  | { grep -v 'systemd connection' || true; }
say "container started on port $PORT"

python3 - "$PORT" <<'PY'
import json, re, sys, time, urllib.request

base = f"http://127.0.0.1:{sys.argv[1]}"
def get(path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return r.status, r.headers, r.read()

deadline = time.monotonic() + 90
while True:
    try:
        status, _, body = get("/healthz")
        break
    except OSError as exc:
        if time.monotonic() > deadline:
            sys.exit(f"/healthz never answered: {exc}")
        time.sleep(0.5)
assert status == 200 and json.loads(body) == {"status": "ok"}, (status, body)
status, headers, body = get("/")
html = body.decode()
assert status == 200 and "text/html" in headers["content-type"], (status, headers)
plotly = re.search(r'src="(/vendor/plotly-[^"]+\.min\.js)"', html)
assert plotly, "the page names no Plotly bundle"
status, _, js = get(plotly.group(1))
assert status == 200 and len(js) > 1_000_000, (status, len(js))
scripts = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
for src in scripts:
    assert get(src)[0] == 200, src
print(f"/healthz ok; / ok ({len(html)} bytes); {plotly.group(1)} ok ({len(js)} bytes); "
      f"{len(scripts)} static asset(s) ok: {', '.join(scripts)}")
PY

uid=$(podman exec "$NAME" id -u)
[[ $uid == 10001 ]] || { echo "container runs as uid $uid, not 10001"; exit 1; }
procs=$(podman top "$NAME" args | tail -n +2)
[[ $(grep -c . <<<"$procs") == 1 ]] || { echo "expected one process, got: $procs"; exit 1; }
say "user $uid; processes: $(echo "$procs" | tr '\n' ';')"
if podman healthcheck run "$NAME" >/dev/null 2>&1; then
  say "HEALTHCHECK passed"
else
  echo "HEALTHCHECK failed:"; podman inspect --format '{{json .State.Health}}' "$NAME"; exit 1
fi
podman logs "$NAME" 2>&1 | tail -5
podman stop -t 10 "$NAME" 2>&1 >/dev/null | { grep -v 'systemd connection' || true; }
say "PASS"
