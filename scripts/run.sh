#!/usr/bin/env bash
# Set up, ingest the bundled sample and print its reconciliation.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1
budgetqa ingest data/samples/
budgetqa reconcile
