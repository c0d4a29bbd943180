#!/usr/bin/env bash
# Local replication for delbench's --replica: a PostgreSQL 15 primary with a streaming standby and a
# MariaDB primary with a binlog (GTID) replica, on fixed unusual ports, from the installed server
# binaries, all data in one folder of its own. It never touches the machine's own servers (5432/3306).
#
#   scripts/local-replication.sh start   # prints four `export` lines (eval them)
#   scripts/local-replication.sh stop    # ends the four servers and removes their folder
#
# The folder is $DELBENCH_REPLICATION_DIR, or ${TMPDIR:-/tmp}/delbench-replication. Ports:
# $DELBENCH_REPLICATION_PORTS (four, comma separated), or 55432,55433,53306,53307. `start` is
# idempotent: servers of this folder already running are left running. Only `export` lines go to
# stdout; progress and errors go to stderr.
set -euo pipefail

dir=${DELBENCH_REPLICATION_DIR:-${TMPDIR:-/tmp}/delbench-replication}
IFS=, read -r pg_primary_port pg_replica_port my_primary_port my_replica_port \
  <<<"${DELBENCH_REPLICATION_PORTS:-55432,55433,53306,53307}"
pg_bin=${DELBENCH_PG_BIN:-/usr/lib/postgresql/15/bin}
mariadbd=${DELBENCH_MARIADBD:-/usr/sbin/mariadbd}

fail() { echo "local-replication: $*" >&2; exit 1; }
say() { echo "local-replication: $*" >&2; }

# PostgreSQL refuses to run as root, and MariaDB wants to be told: as root, the servers run as the
# postgres and mysql OS users.
if [ "$(id -u)" = 0 ]; then
  pg_user=postgres my_user=mysql
  as_pg() { runuser -u postgres -- "$@"; }
else
  pg_user=$(id -un) my_user=$(id -un)
  as_pg() { "$@"; }
fi

# A port is ours when the server of our folder answers on it; taken when anything else listens.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pg_running() { as_pg "$pg_bin/pg_ctl" -D "$dir/$1" status >/dev/null 2>&1; }
my_running() { [ -f "$dir/$1/mariadbd.pid" ] && kill -0 "$(cat "$dir/$1/mariadbd.pid")" 2>/dev/null; }
my_sql() { mariadb --protocol=tcp -h127.0.0.1 -P"$1" -uroot -N -B -e "$2"; }

wait_for() { # what, command...: up to 60 s
  local what=$1; shift
  for _ in $(seq 1 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  fail "$what did not come up (see its log in $dir/run)"
}

check_port() { # port, whether a server of ours runs on it
  if [ "$2" = no ] && listening "$1"; then
    fail "port $1 is taken by another process: set DELBENCH_REPLICATION_PORTS=a,b,c,d to four free ports"
  fi
}

start_pg() {
  local primary="$dir/pg-primary" replica="$dir/pg-replica"
  check_port "$pg_primary_port" "$(pg_running pg-primary && echo yes || echo no)"
  check_port "$pg_replica_port" "$(pg_running pg-replica && echo yes || echo no)"
  if [ ! -f "$primary/PG_VERSION" ]; then
    say "initdb PostgreSQL primary on $pg_primary_port"
    rm -rf "$primary" && mkdir -p "$primary" && chown "$pg_user" "$primary"
    as_pg "$pg_bin/initdb" -D "$primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_primary_port
unix_socket_directories = '$dir/run'
wal_level = replica
max_wal_senders = 4
wal_keep_size = 1GB
fsync = off
synchronous_commit = on
EOF
    echo "host replication postgres 127.0.0.1/32 trust" >>"$primary/pg_hba.conf"
  fi
  pg_running pg-primary || as_pg "$pg_bin/pg_ctl" -D "$primary" -l "$dir/run/pg-primary.log" -w start >/dev/null
  if [ ! -f "$replica/PG_VERSION" ]; then
    say "pg_basebackup PostgreSQL standby on $pg_replica_port"
    rm -rf "$replica" && mkdir -p "$replica" && chown "$pg_user" "$replica" && chmod 700 "$replica"
    as_pg "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$pg_primary_port" -U postgres -D "$replica" -R -X stream
    cat >>"$replica/postgresql.conf" <<EOF
port = $pg_replica_port
hot_standby = on
hot_standby_feedback = on
max_standby_streaming_delay = -1
EOF
  fi
  pg_running pg-replica || as_pg "$pg_bin/pg_ctl" -D "$replica" -l "$dir/run/pg-replica.log" -w start >/dev/null
  # The standby is streaming once the primary lists it.
  wait_for "the PostgreSQL standby's streaming" bash -c \
    "psql -h 127.0.0.1 -p $pg_primary_port -U postgres -Atc \"select count(*) from pg_stat_replication where state = 'streaming'\" postgres | grep -qx 1"
}

start_my_server() { # name, port, server id
  local name=$1 port=$2 id=$3 data="$dir/$1"
  check_port "$port" "$(my_running "$name" && echo yes || echo no)"
  my_running "$name" && return 0
  if [ ! -d "$data/mysql" ]; then
    say "mariadb-install-db $name on $port"
    rm -rf "$data" && mkdir -p "$data" && chown "$my_user" "$data"
    mariadb-install-db --no-defaults --user="$my_user" --datadir="$data" --auth-root-authentication-method=normal \
      --skip-test-db >"$dir/run/$name-install.log" 2>&1 || fail "mariadb-install-db failed: see $dir/run/$name-install.log"
  fi
  # --no-defaults: none of the machine's own my.cnf (its port, socket, datadir) applies.
  "$mariadbd" --no-defaults --user="$my_user" --datadir="$data" --port="$port" --bind-address=127.0.0.1 \
    --socket="$data/mariadbd.sock" --pid-file="$data/mariadbd.pid" --log-error="$dir/run/$name.log" \
    --server-id="$id" --log-bin=binlog --binlog-format=ROW --log-slave-updates=1 \
    --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 --skip-name-resolve </dev/null >/dev/null 2>&1 &
  wait_for "MariaDB $name" my_sql "$port" "select 1"
}

start_my() {
  start_my_server my-primary "$my_primary_port" 1
  start_my_server my-replica "$my_replica_port" 2
  if [ -z "$(my_sql "$my_replica_port" "show slave status")" ]; then
    say "MariaDB replica follows the primary (GTID)"
    my_sql "$my_replica_port" "change master to master_host='127.0.0.1', master_port=$my_primary_port,
      master_user='root', master_password='', master_use_gtid=slave_pos; start slave"
  fi
  wait_for "the MariaDB replica's threads" bash -c \
    "mariadb --protocol=tcp -h127.0.0.1 -P$my_replica_port -uroot -e 'show slave status\\G' | grep -q 'Slave_SQL_Running: Yes'"
}

stop_all() {
  for name in pg-replica pg-primary; do
    if pg_running "$name"; then as_pg "$pg_bin/pg_ctl" -D "$dir/$name" -m fast -w stop >/dev/null; fi
  done
  for name in my-replica my-primary; do
    if my_running "$name"; then
      local pid; pid=$(cat "$dir/$name/mariadbd.pid")
      kill "$pid"
      for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
  done
  rm -rf "$dir"
}

case "${1:-}" in
  start)
    [ -x "$pg_bin/initdb" ] || fail "no PostgreSQL binaries in $pg_bin (set DELBENCH_PG_BIN)"
    [ -x "$mariadbd" ] || fail "no mariadbd at $mariadbd (set DELBENCH_MARIADBD)"
    for port in "$pg_primary_port" "$pg_replica_port" "$my_primary_port" "$my_replica_port"; do
      case "$port" in 5432 | 3306 | '') fail "refusing port '$port': the machine's own servers use 5432 and 3306" ;; esac
    done
    # Logs and sockets in a folder every server's OS user can write.
    mkdir -p "$dir/run"
    chmod 755 "$dir" && chmod 1777 "$dir/run"
    start_pg
    start_my
    echo "export DELBENCH_REPLICATION_PG_PRIMARY=postgres://postgres@127.0.0.1:$pg_primary_port/postgres"
    echo "export DELBENCH_REPLICATION_PG_REPLICA=postgres://postgres@127.0.0.1:$pg_replica_port/postgres"
    echo "export DELBENCH_REPLICATION_MY_PRIMARY=mysql://root@127.0.0.1:$my_primary_port/"
    echo "export DELBENCH_REPLICATION_MY_REPLICA=mysql://root@127.0.0.1:$my_replica_port/"
    ;;
  stop)
    [ -d "$dir" ] || exit 0
    stop_all
    say "stopped; $dir removed"
    ;;
  *)
    fail "usage: $0 start|stop"
    ;;
esac
