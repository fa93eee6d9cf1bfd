#!/bin/bash
# Container health check: exits 0 when http://127.0.0.1:PORT/PATH returns status 200.
# Uses bash's /dev/tcp because the eclipse-temurin JRE images are not guaranteed to ship curl.
# Usage: sluice-readyz PORT [PATH]   (PATH defaults to /readyz)
set -u
port=${1:?usage: sluice-readyz PORT [PATH]}
path=${2:-/readyz}

if ! exec 3<>"/dev/tcp/127.0.0.1/${port}"; then
    echo "readiness check failed: nothing listens on 127.0.0.1:${port}"
    exit 1
fi
printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
if ! IFS= read -r -t 3 status_line <&3; then
    echo "readiness check failed: no response from 127.0.0.1:${port}${path} within 3s"
    exit 1
fi
case "$status_line" in
    "HTTP/1."?" 200"*) exit 0 ;;
    *) echo "readiness check failed: 127.0.0.1:${port}${path} returned '${status_line%$'\r'}'"; exit 1 ;;
esac
