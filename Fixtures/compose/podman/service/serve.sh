#!/bin/sh
# A small HTTP service for the real-runtime tests: answers GET /name with SERVICE_NAME on
# 127.0.0.1:SERVICE_PORT (busybox httpd), after checking that every name in NEEDS resolves and answers.
set -eu
root=$(mktemp -d)
printf '%s\n' "$SERVICE_NAME" >"$root/name"
for peer in ${NEEDS:-}; do
    answer=$(wget -q -O - "http://$peer/name") || { echo "cannot reach $peer" >&2; exit 2; }
    echo "reached $peer: $answer"
done
echo "$SERVICE_NAME listening on 127.0.0.1:$SERVICE_PORT"
exec httpd -f -p "127.0.0.1:$SERVICE_PORT" -h "$root"
