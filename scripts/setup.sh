#!/usr/bin/env bash
# Set up everything budgetqa needs on a fresh Debian machine: system packages, a venv, the package.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    if ! fc-list :lang=zh 2>/dev/null | grep -q . || ! command -v chromium >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei chromium >/dev/null
    fi
fi
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
. .venv/bin/activate
# The CPU build of torch must come first: an unpinned torch pulls multi-GB CUDA wheels.
pip install -q torch==2.13.0
pip install -q -e ".[test]"
