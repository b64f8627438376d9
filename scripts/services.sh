#!/usr/bin/env bash
# Starts local Redis (6379) and NATS with JetStream (4222) when they are not already listening.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 6379; then
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/herald-redis.log
  else
    echo "warning: Redis is not running and redis-server is not installed" >&2
  fi
fi

if ! port_open 4222; then
  if command -v nats-server >/dev/null 2>&1; then
    mkdir -p /tmp/herald-nats
    nohup nats-server -a 127.0.0.1 -p 4222 -js -sd /tmp/herald-nats >/tmp/herald-nats.log 2>&1 &
  else
    echo "warning: NATS is not running and nats-server is not installed" >&2
  fi
fi

for _ in $(seq 1 50); do
  { ! command -v redis-server >/dev/null 2>&1 || port_open 6379; } &&
    { ! command -v nats-server >/dev/null 2>&1 || port_open 4222; } && exit 0
  sleep 0.1
done
echo "warning: Redis or NATS did not come up in time" >&2
