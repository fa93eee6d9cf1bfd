#!/usr/bin/env bash
# Checks the deployment and monitoring files without a Docker engine or Grafana:
# the Prometheus config and alert rules (promtool), the alert unit tests, the compose file
# (docker-compose config) and the Grafana dashboard (ops/check_dashboard.py).
# Needs Debian's prometheus and docker-compose packages and python3. Runs every check, prints
# each failure and exits 1 if any failed.
set -u
cd "$(dirname "$0")/.."

failed=()

run_check() {
    local name=$1
    shift
    echo "== ${name}"
    if "$@"; then
        echo "   ok"
    else
        echo "   FAILED: ${name}"
        failed+=("${name}")
    fi
}

require_tool() {
    local tool=$1 package=$2
    if ! command -v "${tool}" > /dev/null 2>&1; then
        echo "== ${tool}"
        echo "   FAILED: ${tool} not found on PATH; install it with: apt-get install -y ${package}"
        failed+=("${tool} missing")
        return 1
    fi
}

if require_tool promtool prometheus; then
    run_check "promtool check config prometheus/prometheus.yml" promtool check config prometheus/prometheus.yml
    run_check "promtool check rules prometheus/alerts.yml" promtool check rules prometheus/alerts.yml
    run_check "promtool test rules prometheus/alerts_test.yml" promtool test rules prometheus/alerts_test.yml
fi
if require_tool docker-compose docker-compose; then
    run_check "docker-compose config docker-compose.yml" docker-compose -f docker-compose.yml config -q
fi
if require_tool python3 python3; then
    run_check "dashboard grafana/dashboards/sluice.json" \
        python3 ops/check_dashboard.py grafana/dashboards/sluice.json docs/architecture.md prometheus/alerts.yml
fi

if ((${#failed[@]} > 0)); then
    echo
    echo "${#failed[@]} check(s) failed:"
    printf '  - %s\n' "${failed[@]}"
    exit 1
fi
echo
echo "all deployment checks passed"
