# Sourced by scripts that need this machine's PostgreSQL and Redis: start them when down.
# (Debian's packaging; the commands are those the machine's own start-up uses.)

ensure_postgres() {
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
        echo "PostgreSQL is down; starting it"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
        for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
        echo "PostgreSQL did not start" >&2
        return 1
    fi
}

ensure_redis() {
    if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
        echo "Redis is down; starting it"
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
            --dir /var/lib/redis --logfile /var/log/redis/ci.log
        for _ in $(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && return 0; sleep 1; done
        echo "Redis did not start" >&2
        return 1
    fi
}
