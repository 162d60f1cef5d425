#!/usr/bin/env bash
# The portal as several machines would run it, on one machine, from Debian packages and
# this repository only: HAProxy in front of two gunicorn app servers, the local
# PostgreSQL as primary with a streaming hot standby made by pg_basebackup, and a Redis
# of the cluster's own (the system Redis on 6379 is left alone: the check stops this one).
#
#   tools/cluster/cluster.sh up | down | status
#   tools/cluster/cluster.sh start-app N | stop-app N
#   tools/cluster/cluster.sh start-replica | stop-replica | start-redis | stop-redis
#
# Everything it runs keeps its pid, log and data under .cluster/ (git-ignored). Ports and
# names come from the environment (defaults below), as on several machines they would.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
RUN=${CLUSTER_DIR:-$ROOT/.cluster}
PY=${PY:-$ROOT/.venv/bin/python}
LB_PORT=${CLUSTER_LB_PORT:-8400}
APP_PORTS=(${CLUSTER_APP_PORTS:-8401 8402})
WORKERS=${CLUSTER_WORKERS:-2}
PRIMARY_HOST=${CLUSTER_PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${CLUSTER_PRIMARY_PORT:-5432}
REPLICA_PORT=${CLUSTER_REPLICA_PORT:-5433}
REDIS_PORT=${CLUSTER_REDIS_PORT:-6380}
DB=${CLUSTER_DATABASE:-portal_cluster}
SLOT=portal_cluster_replica
REPLICA_DIR=$RUN/replica

log() { printf '[cluster] %s\n' "$*"; }
psql_primary() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
pg_bin() {
  local major
  major=$(psql_primary -d postgres -c "SELECT current_setting('server_version_num')::int / 10000")
  echo "/usr/lib/postgresql/$major/bin"
}
# Python rather than curl: a fresh machine has the portal's Python, not necessarily curl.
http_ok() { "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' "$1"; }
http_get() { "$PY" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "$1"; }
alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq 1 $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  log "gave up waiting for $what"
  return 1
}

app_env() {
  # What every app server shares: the same secret (sessions and CSRF tokens signed on one
  # server are read on the other), the same primary, replica and cache.
  export DJANGO_SECRET_KEY
  DJANGO_SECRET_KEY=$(cat "$RUN/secret-key")
  export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
  # Plain http on the loopback; behind a TLS proxy this stays on and
  # DJANGO_BEHIND_TLS_PROXY=1 is set instead.
  export DJANGO_SECURE_SSL_REDIRECT=0
  export DATABASE_URL="postgres://postgres@$PRIMARY_HOST:$PRIMARY_PORT/$DB"
  export DATABASE_REPLICA_URLS="postgres://postgres@127.0.0.1:$REPLICA_PORT/$DB"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  # The check's many clients all come from 127.0.0.1: one address's fair-use limits
  # would refuse them. Production keeps the defaults.
  export DJANGO_API_RATE_LIMIT=${DJANGO_API_RATE_LIMIT:-1000000/m}
  export DJANGO_EXPORT_RATE_LIMIT=${DJANGO_EXPORT_RATE_LIMIT:-1000000/h}
  export DJANGO_EXPORT_CONCURRENCY=${DJANGO_EXPORT_CONCURRENCY:-0}
}

ensure_packages() {
  local missing=()
  command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if ((${#missing[@]})); then
    log "installing ${missing[*]} (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_replication_access() {
  # pg_basebackup and streaming connect as a replication client; "all" in pg_hba.conf
  # does not cover replication. One line, added once, then a reload (never a restart).
  local hba
  hba=$(psql_primary -d postgres -c "SHOW hba_file")
  if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
    log "allowing replication from 127.0.0.1 in $hba and reloading the primary"
    printf '\n# Added by the portal cluster (tools/cluster/cluster.sh)\nhost replication all 127.0.0.1/32 trust\n' >>"$hba"
    psql_primary -d postgres -c "SELECT pg_reload_conf()" >/dev/null
  fi
}

prepare_database() {
  if [[ -z $(psql_primary -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
    psql_primary -d postgres -c "CREATE DATABASE $DB" >/dev/null
  fi
  [[ -f $RUN/secret-key ]] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$RUN/secret-key"
  chmod 600 "$RUN/secret-key"
  app_env
  log "migrate, load the knowledge base (if empty), collectstatic into $DB"
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py load_knowledge_base --if-empty -v0
  "$PY" manage.py collectstatic --noinput -v0
  # The check's writer: a superuser (may assess any city), a fresh random password.
  "$PY" -c 'import secrets; print(secrets.token_urlsafe(24))' >"$RUN/staff-password"
  chmod 600 "$RUN/staff-password"
  CLUSTER_STAFF_PASSWORD=$(cat "$RUN/staff-password") "$PY" manage.py shell -v0 -c '
import os
from django.contrib.auth.models import User
user, _ = User.objects.get_or_create(username="cluster-check", defaults={"email": "cluster-check@example.eu"})
user.is_staff = user.is_superuser = user.is_active = True
user.set_password(os.environ["CLUSTER_STAFF_PASSWORD"])
user.save()
'
}

write_replica_config() {
  # The Debian primary keeps its configuration in /etc; the copy gets its own, small one.
  # Hot standby needs these at least as large as the primary's.
  local settings
  settings=$(psql_primary -d postgres -F= -c "SELECT name, setting FROM pg_settings WHERE name IN
    ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions',
     'max_locks_per_transaction')")
  cat >"$REPLICA_DIR/postgresql.conf" <<EOF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$REPLICA_DIR'
hot_standby = on
hot_standby_feedback = on
shared_buffers = 64MB
$settings
EOF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$REPLICA_DIR/pg_hba.conf"
  : >"$REPLICA_DIR/pg_ident.conf"
  chown postgres: "$REPLICA_DIR"/postgresql.conf "$REPLICA_DIR"/pg_hba.conf "$REPLICA_DIR"/pg_ident.conf
}

make_replica() {
  [[ -f $REPLICA_DIR/PG_VERSION ]] && return 0
  log "pg_basebackup -R: a hot standby of the primary in $REPLICA_DIR (port $REPLICA_PORT)"
  rm -rf "$REPLICA_DIR"
  mkdir -p "$REPLICA_DIR"
  chown postgres: "$REPLICA_DIR"
  chmod 700 "$REPLICA_DIR"
  drop_slot
  # -C -S: a replication slot keeps the WAL the replica has not received yet, so that it
  # catches up after being stopped. `down` drops it: a forgotten slot would keep WAL
  # on the primary for ever.
  runuser -u postgres -- "$(pg_bin)/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" \
    -U postgres -D "$REPLICA_DIR" -R -X stream -C -S "$SLOT" --checkpoint=fast
  write_replica_config
}

drop_slot() {
  psql_primary -d postgres -c "SELECT pg_drop_replication_slot('$SLOT')
    FROM pg_replication_slots WHERE slot_name = '$SLOT' AND NOT active" >/dev/null
}

start_replica() {
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1 && return 0
  touch "$RUN/replica.log"
  chown postgres: "$RUN/replica.log"
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$REPLICA_DIR" -l "$RUN/replica.log" -w -t 60 \
    start >/dev/null
  wait_for 30 "the replica" pg_isready -q -h 127.0.0.1 -p "$REPLICA_PORT"
}

stop_replica() {
  [[ -f $REPLICA_DIR/postmaster.pid ]] || return 0
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$REPLICA_DIR" -m fast -w -t 60 stop >/dev/null
}

start_redis() {
  alive "$RUN/redis.pid" && return 0
  # No persistence: it is a cache; a restart starts empty, as a replaced node would.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log" --dir "$RUN"
  wait_for 10 "redis" redis-cli -p "$REDIS_PORT" ping
}

stop_redis() {
  alive "$RUN/redis.pid" || return 0
  local pid
  pid=$(cat "$RUN/redis.pid")
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$pid"
  wait_for 10 "redis to stop" bash -c "! kill -0 $pid 2>/dev/null"
  rm -f "$RUN/redis.pid"
}

start_app() {
  local n=$1 port=${APP_PORTS[$(($1 - 1))]}
  alive "$RUN/app$n.pid" && return 0
  app_env
  "$ROOT/.venv/bin/gunicorn" portal.wsgi:application --chdir "$ROOT" \
    --bind "127.0.0.1:$port" --workers "$WORKERS" --timeout 60 --graceful-timeout 10 \
    --pid "$RUN/app$n.pid" --daemon --no-control-socket --capture-output --error-logfile "$RUN/app$n.log" \
    --access-logfile "$RUN/app$n-access.log"
  wait_for 30 "app server $n" http_ok "http://127.0.0.1:$port/healthz"
}

stop_app() {
  local n=$1
  alive "$RUN/app$n.pid" || return 0
  local pid
  pid=$(cat "$RUN/app$n.pid")
  kill -TERM "$pid"
  wait_for 20 "app server $n to stop" bash -c "! kill -0 $pid 2>/dev/null"
  rm -f "$RUN/app$n.pid"
}

start_haproxy() {
  alive "$RUN/haproxy.pid" && return 0
  local servers="" n=1
  for port in "${APP_PORTS[@]}"; do
    servers+="    server app$n 127.0.0.1:$port check"$'\n'
    n=$((n + 1))
  done
  sed -e "s|@LB_PORT@|$LB_PORT|" -e "s|@RUN@|$RUN|" tools/cluster/haproxy.cfg >"$RUN/haproxy.cfg"
  printf '%s' "$servers" >>"$RUN/haproxy.cfg"
  haproxy -c -q -f "$RUN/haproxy.cfg"
  haproxy -D -f "$RUN/haproxy.cfg" -p "$RUN/haproxy.pid"
  wait_for 20 "HAProxy" http_ok "http://127.0.0.1:$LB_PORT/healthz"
}

stop_haproxy() {
  alive "$RUN/haproxy.pid" || return 0
  kill -TERM $(cat "$RUN/haproxy.pid")
  rm -f "$RUN/haproxy.pid"
}

up() {
  mkdir -p "$RUN"
  ensure_packages
  pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" || { log "the primary does not answer"; exit 1; }
  ensure_replication_access
  prepare_database
  make_replica
  start_replica
  start_redis
  for n in $(seq 1 ${#APP_PORTS[@]}); do start_app "$n"; done
  start_haproxy
  log "up: http://127.0.0.1:$LB_PORT/ (HAProxy) -> app servers ${APP_PORTS[*]};" \
    "primary $PRIMARY_HOST:$PRIMARY_PORT/$DB, replica 127.0.0.1:$REPLICA_PORT, redis :$REDIS_PORT"
  http_get "http://127.0.0.1:$LB_PORT/healthz?full"
}

down() {
  stop_haproxy
  for n in $(seq 1 ${#APP_PORTS[@]}); do stop_app "$n" || true; done
  stop_redis || true
  stop_replica || true
  drop_slot || true
  # The copy is remade from the primary by the next `up`: never a stale standby.
  rm -rf "$REPLICA_DIR"
  log "down"
}

status() {
  for name in haproxy redis $(seq -f 'app%g' 1 ${#APP_PORTS[@]}); do
    if alive "$RUN/$name.pid"; then echo "$name: running"; else echo "$name: stopped"; fi
  done
  pg_isready -h 127.0.0.1 -p "$REPLICA_PORT" || true
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  start-app) start_app "$2" ;;
  stop-app) stop_app "$2" ;;
  start-replica) start_replica ;;
  stop-replica) stop_replica ;;
  start-redis) start_redis ;;
  stop-redis) stop_redis ;;
  *) echo "usage: $0 up|down|status|start-app N|stop-app N|start-replica|stop-replica|start-redis|stop-redis" >&2; exit 2 ;;
esac
