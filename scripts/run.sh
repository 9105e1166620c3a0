#!/usr/bin/env bash
# `make run`: prepare the database and demo data, then run web + worker + beat in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PATH="$PWD/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-zhongyuan_cppcc.settings.local}"
export DJANGO_DEBUG="${DJANGO_DEBUG:-false}"
mkdir -p var
mode=$($PY scripts/services.py mode)
if [ "$mode" = "embedded" ]; then
  export EMBEDDED_DEMO=1
  $PY manage.py migrate --no-input
else
  $PY scripts/services.py createdb
  # Two roles (DESIGN.md §9): the owner migrates, the app role cannot erase audit rows. Without
  # DATABASE_OWNER_URL, DATABASE_URL is taken as a superuser that creates zycppcc_owner / zycppcc_app.
  if [ -z "${DATABASE_OWNER_URL:-}" ]; then
    eval "$($PY manage.py db_roles --local)"
  else
    $PY manage.py db_roles
  fi
  DATABASE_AS_OWNER=1 $PY manage.py migrate --no-input
fi
$PY manage.py collectstatic --no-input -v0
$PY manage.py load_demo
# The first reminder scan: its tasks wait in the broker until the worker below starts.
$PY manage.py send_due_reminders || echo "The first reminder scan failed; beat runs it again within 15 minutes."
cat <<MSG

==========================================================================
 中原区政协履职服务平台 is starting at  http://127.0.0.1:8000/
 Mode: $mode     Stop everything with Ctrl-C.
 Demo accounts (password: ${DEMO_PASSWORD:-Zhongyuan@2024}):
   demo-member  demo-correspondent  demo-handler  demo-proposal-officer
   demo-opinion-officer  demo-consultation-officer  demo-member-officer
   demo-leader  demo-sysadmin  demo-secadmin  demo-auditor
==========================================================================

MSG
exec .venv/bin/honcho start -f Procfile
