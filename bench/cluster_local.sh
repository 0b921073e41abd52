#!/usr/bin/env bash
# Prove the cluster path on one machine (docs/scaling.md; not part of CI):
# Postgres (Dagster's instance storage) and Redis (the Celery broker) from Debian packages on
# 127.0.0.1, two Celery workers taking runs launched by CeleryRunLauncher, a backfill of
# $DOCUMENTS generated budgets in runs of $BATCH documents into a shared Parquet folder, then
# the publisher writing them into DuckDB. Prints the numbers; stops everything it started.
#
#   bench/cluster_local.sh            # 50 documents, runs of 10
#   DOCUMENTS=100 BATCH=20 bench/cluster_local.sh
#
# Needs the [cluster] extra (.venv/bin/pip install -e ".[dev,cluster]") and, when postgresql
# or redis-server is missing, root for apt-get. Postgres runs as user postgres when started
# by root (it refuses root), with its data folder under /tmp.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
DOCUMENTS=${DOCUMENTS:-50}
BATCH=${BATCH:-10}
PG_PORT=${PG_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
BASE=$(mktemp -d /tmp/budget-cluster.XXXXXX)
chmod 755 "$BASE"
VENV="$REPO/.venv/bin"

if ! dpkg -s postgresql redis-server >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        postgresql redis-server >/dev/null
fi
"$VENV/python" -c "import dagster_celery, dagster_postgres" 2>/dev/null || {
    echo "cluster_local.sh: install the cluster extra first: .venv/bin/pip install -e '.[dev,cluster]'" >&2
    exit 1
}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
AS_PG=()
if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); fi

WORKERS=()
cleanup() {
    for pid in "${WORKERS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${WORKERS[@]}"; do wait "$pid" 2>/dev/null || true; done
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$BASE/pg" -m fast stop >/dev/null 2>&1 || true
    [ -f "$BASE/redis.pid" ] && kill "$(cat "$BASE/redis.pid")" 2>/dev/null || true
    echo "logs and files kept in $BASE"
}
trap cleanup EXIT

echo "== Postgres on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT ($BASE)"
mkdir -p "$BASE/pg" "$BASE/pgsock"
[ "$(id -u)" = 0 ] && chown postgres "$BASE/pg" "$BASE/pgsock"
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$BASE/pg" -U dagster -A trust >"$BASE/initdb.log"
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$BASE/pg" -l "$BASE/pg/server.log" -w \
    -o "-p $PG_PORT -k $BASE/pgsock -c listen_addresses=127.0.0.1" start >/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U dagster dagster
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$BASE" --daemonize yes \
    --pidfile "$BASE/redis.pid" --logfile "$BASE/redis.log" --save "" --appendonly no

export DAGSTER_HOME="$BASE/dagster_home"
mkdir -p "$DAGSTER_HOME" "$BASE/workers"
cp bench/cluster/dagster.yaml "$DAGSTER_HOME/dagster.yaml"
export BUDGET_CLUSTER_POSTGRES_URL="postgresql+psycopg2://dagster@127.0.0.1:$PG_PORT/dagster"
export BUDGET_CLUSTER_BROKER="redis://127.0.0.1:$REDIS_PORT/0"
export BUDGET_CLUSTER_BACKEND="redis://127.0.0.1:$REDIS_PORT/1"
export BUDGET_HANDOFF="$BASE/handoff"           # the shared folder (a mount across hosts)
export BUDGET_WAREHOUSE="$BASE/warehouse/budget.duckdb"
export PYTHONPATH="$REPO/bench/cluster${PYTHONPATH:+:$PYTHONPATH}"  # dagster_celery_config
export PATH="$VENV:$PATH"

# Solo pool: one run at a time per worker, in the worker's own process (prefork children are
# daemonic, and a run starts processes: its step, then the step's parse pool).
echo "== two Celery workers (one run at a time each)"
for name in worker1 worker2; do
    celery -A dagster_celery.app worker -Q dagster --pool solo --prefetch-multiplier=1 \
        -n "$name@%h" --loglevel INFO --logfile "$BASE/workers/$name.log" \
        >"$BASE/workers/$name.out" 2>&1 &
    WORKERS+=("$!")
done
sleep 5

echo "== backfill of $DOCUMENTS documents in runs of $BATCH, then the publisher"
echo "   (machine load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores)"
"$VENV/python" bench/cluster/backfill.py --documents "$DOCUMENTS" --batch "$BATCH" \
    --pdfs "$BASE/pdfs" --worker-logs "$BASE/workers"
