#!/usr/bin/env bash
# Installs what the tests compare against, if it is missing: psutil 7.2.2 (the oracle) and
# the command-line tools (free, ps, uptime, pmap from procps; ip, ss from iproute2; tmux for
# the live views' terminal tests; pidof; setpriv, unshare, nsenter, taskset from util-linux).
set -euo pipefail
PYTHON=${SYSGAUGE_PYTHON:-python3}

if ! "$PYTHON" -c 'import psutil, sys; sys.exit(psutil.__version__ != "7.2.2")' 2>/dev/null; then
  "$PYTHON" -m pip install --quiet --disable-pip-version-check psutil==7.2.2
fi

missing=()
for tool in free:procps ps:procps uptime:procps pmap:procps ip:iproute2 ss:iproute2 \
    df:coreutils who:coreutils tmux:tmux pidof:sysvinit-utils setpriv:util-linux \
    unshare:util-linux nsenter:util-linux taskset:util-linux lsof:lsof strace:strace; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool##*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
