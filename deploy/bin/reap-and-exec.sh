#!/usr/bin/env bash
# usage: reap-and-exec.sh PGID_FILE CMD...   (the command of every supervisord program)
#
# supervisord starts each program as the leader of its own process group. When a program
# is SIGKILLed its children may outlive it in that group (nginx's workers keep the listening
# socket, so the next nginx could not bind and would crash-loop). Before starting again,
# this kills what is left of the group the previous start recorded, then records its own
# and becomes the program (exec keeps the pid supervisord watches).
set -euo pipefail
pgid_file="$1"
shift
# The executable the program runs (after `env VAR=value ...`), to recognise its leftovers.
program=""
for arg in "$@"; do
    [[ "$arg" == env || "$arg" == *=* ]] && continue
    program="$(basename "$arg")"
    break
done
if [[ -s "$pgid_file" ]]; then
    old="$(<"$pgid_file")"
    # Only a group whose members still run this program: a recycled id of some other
    # process group is left alone.
    if [[ "$old" =~ ^[0-9]+$ && "$old" != "$$" ]] && pgrep -g "$old" -f -- "$program" >/dev/null; then
        kill -KILL -- "-$old" 2>/dev/null || true
        sleep 0.2
    fi
fi
if [[ "$(ps -o pgid= -p $$ | tr -d ' ')" == "$$" ]]; then
    echo "$$" >"$pgid_file"
fi
exec "$@"
