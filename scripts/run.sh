#!/usr/bin/env bash
# Set up, ingest the bundled sample, then start the API and the chat page (Ctrl-C stops both).
#   BUDGETQA_UI_PORT (default 8501), BUDGETQA_API_PORT (default 8000), BUDGETQA_HOST (default 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
HOST="${BUDGETQA_HOST:-127.0.0.1}"
API_PORT="${BUDGETQA_API_PORT:-8000}"
UI_PORT="${BUDGETQA_UI_PORT:-8501}"
budgetqa ingest data/samples/
budgetqa reconcile | tail -1
budgetqa serve --host "$HOST" --port "$API_PORT" &
API_PID=$!
trap 'kill $API_PID 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 120); do
  python -c "import urllib.request; urllib.request.urlopen('http://$HOST:$API_PORT/healthz', timeout=2)" 2>/dev/null && break
  sleep 1
done
echo
echo "  API:        http://$HOST:$API_PORT   (docs: http://$HOST:$API_PORT/docs)"
echo "  Chat page:  http://$HOST:$UI_PORT"
echo
streamlit run ui/app.py --server.address "$HOST" --server.port "$UI_PORT" --server.headless true
