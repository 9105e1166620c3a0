#!/usr/bin/env bash
# The production topology in miniature, on one machine (docs/deploy.md):
#   nginx (127.0.0.1:$CLUSTER_PORT) → two gunicorn instances → PostgreSQL and Redis as configured;
#   two Celery workers on the same Redis queue; exactly one beat.
# Usage: scripts/cluster.sh start|stop|status
# Settings come from the environment as for `make run` (DATABASE_URL, REDIS_URL, DJANGO_SETTINGS_MODULE …);
# the database must be migrated. Everything runs from .venv; logs and pid files go to $CLUSTER_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=$(realpath -m "${CLUSTER_DIR:-var/cluster}")
PORT=${CLUSTER_PORT:-8080}
read -r -a WEB_PORTS <<< "${CLUSTER_WEB_PORTS:-8101 8102}"
WORKERS=${CLUSTER_WORKERS:-2}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-zhongyuan_cppcc.settings.local}
export PATH="$ROOT/.venv/bin:$PATH"
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

pidfile_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  mkdir -p "$DIR/logs" "$DIR/run" "$DIR/nginx-temp"
  static_root=$(python -c 'from django.conf import settings; import django; django.setup(); print(settings.STATIC_ROOT or "")' 2>/dev/null || true)
  upstreams=""
  for p in "${WEB_PORTS[@]}"; do upstreams="$upstreams    server 127.0.0.1:$p max_fails=1 fail_timeout=5s;"$'\n'; done
  static_block=""
  if [ -n "$static_root" ] && [ -d "$static_root" ]; then
    static_block="    location /static/ { alias $static_root/; expires 7d; access_log off; }"
  fi
  cat > "$DIR/nginx.conf" <<CONF
worker_processes 1;
pid $DIR/run/nginx.pid;
error_log $DIR/logs/nginx-error.log warn;
daemon on;
events { worker_connections 512; }
http {
  access_log $DIR/logs/nginx-access.log;
  client_body_temp_path $DIR/nginx-temp/body;
  proxy_temp_path $DIR/nginx-temp/proxy;
  fastcgi_temp_path $DIR/nginx-temp/fastcgi;
  uwsgi_temp_path $DIR/nginx-temp/uwsgi;
  scgi_temp_path $DIR/nginx-temp/scgi;
  client_max_body_size 25m;
  upstream web {
$upstreams  }
  server {
    listen 127.0.0.1:$PORT;
$static_block
    location / {
      proxy_pass http://web;
      proxy_next_upstream error timeout;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
}
CONF
  i=0
  for p in "${WEB_PORTS[@]}"; do
    i=$((i + 1))
    pidfile_alive "$DIR/run/web$i.pid" && continue
    gunicorn zhongyuan_cppcc.wsgi --bind "127.0.0.1:$p" --workers 1 --threads 4 --daemon \
      --pid "$DIR/run/web$i.pid" --access-logfile "$DIR/logs/web$i-access.log" \
      --error-logfile "$DIR/logs/web$i-error.log" --forwarded-allow-ips 127.0.0.1
  done
  for i in $(seq "$WORKERS"); do
    pidfile_alive "$DIR/run/worker$i.pid" && continue
    celery -A zhongyuan_cppcc worker --detach --loglevel INFO --concurrency 1 --hostname "worker$i@%h" \
      --pidfile "$DIR/run/worker$i.pid" --logfile "$DIR/logs/worker$i.log" --without-gossip --without-mingle
  done
  pidfile_alive "$DIR/run/beat.pid" || celery -A zhongyuan_cppcc beat --detach --loglevel INFO \
    --schedule "$DIR/run/beat-schedule" --pidfile "$DIR/run/beat.pid" --logfile "$DIR/logs/beat.log"
  # nginx starts once every web instance answers (a refused connection would take it out of rotation).
  for p in "${WEB_PORTS[@]}"; do
    for _ in $(seq 60); do
      (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break
      sleep 1
    done
  done
  pidfile_alive "$DIR/run/nginx.pid" || "$NGINX" -c "$DIR/nginx.conf" -p "$DIR" -e "$DIR/logs/nginx-error.log"
  for _ in $(seq 60); do
    if python - "$PORT" <<'PY' 2>/dev/null; then echo "cluster up on http://127.0.0.1:$PORT/ (logs in $DIR/logs)"; return 0; fi
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz/", timeout=2) as r:
    sys.exit(0 if r.status in (200, 503) else 1)
PY
    sleep 1
  done
  echo "cluster did not answer on port $PORT; see $DIR/logs" >&2
  return 1
}

stop() {
  [ -f "$DIR/run/nginx.pid" ] && "$NGINX" -c "$DIR/nginx.conf" -p "$DIR" -e "$DIR/logs/nginx-error.log" -s quit 2>/dev/null || true
  for f in "$DIR"/run/web*.pid "$DIR"/run/worker*.pid "$DIR"/run/beat.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    # Whatever did not stop (a worker's pool children included) is killed with its process group.
    if [ -n "$pgid" ]; then kill -KILL -- "-$pgid" 2>/dev/null || true; fi
    rm -f "$f"
  done
  echo "cluster stopped"
}

status() {
  for f in "$DIR"/run/*.pid; do
    [ -f "$f" ] || continue
    if pidfile_alive "$f"; then echo "$(basename "$f" .pid): running ($(cat "$f"))"; else echo "$(basename "$f" .pid): dead"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
