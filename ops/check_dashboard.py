#!/usr/bin/env python3
"""Check a Grafana dashboard JSON file against the metric names of docs/architecture.md.

Usage: check_dashboard.py DASHBOARD_JSON ARCHITECTURE_MD [ALERTS_YML]

Checks made on the dashboard:
- the file is valid JSON;
- every panel other than a row has a description and uses the `datasource` variable;
- every panel that shows numbers has a unit;
- every query selects only metrics from the tables in ARCHITECTURE_MD, the JVM, Kafka client and
  HikariCP binders, or `up`;
- rate(), irate() and increase() use $__rate_interval or $__range;
- every `$variable` is defined in templating.
With ALERTS_YML, the alert expressions get the metric-name check too, which needs PyYAML.
Prints one line per problem and exits with 1 if there is any.
"""
import json
import re
import sys

# Prefixes of the Micrometer binders the services register, and the series Prometheus adds to every target.
BINDER_PREFIXES = ("jvm_", "kafka_producer_", "kafka_consumer_", "hikaricp_")
PROMETHEUS_NAMES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
# Series that Micrometer adds next to a timer or distribution summary.
TIMER_SUFFIXES = ("_bucket", "_count", "_sum", "_max")
NUMERIC_PANEL_TYPES = {"timeseries", "stat", "gauge", "bargauge", "table", "barchart", "histogram",
                       "heatmap", "piechart", "state-timeline", "status-history"}
GRAFANA_BUILTIN_VARIABLES = {"__rate_interval", "__interval", "__interval_ms", "__range", "__range_s",
                             "__range_ms", "__from", "__to", "__dashboard"}
RATE_WINDOWS = {"$__rate_interval", "$__range"}
PROMQL_KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left",
                   "group_right", "inf", "nan", "Inf", "NaN", "sum", "avg", "min", "max", "count", "group",
                   "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values"}


def documented_names(architecture_text):
    """Return the exact metric names from the metric tables, with timer and summary series added."""
    names = set()
    row = re.compile(r"^\|\s*`(sluice_[a-z0-9_]+)`\s*\|\s*([^|]+)\|", re.MULTILINE)
    for match in row.finditer(architecture_text):
        name, meter_type = match.group(1), match.group(2).strip()
        names.add(name)
        if meter_type.startswith(("timer", "summary")):
            names.update(name + suffix for suffix in TIMER_SUFFIXES)
    return names


def metric_names(expr):
    """Return the metric names that a PromQL expression selects."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    text = re.sub(r"\$\{?\w+(?::\w+)?\}?", " ", text)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = []
    for match in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text):
        previous = text[match.start() - 1] if match.start() > 0 else " "
        if previous.isdigit() or previous == ".":
            continue
        if text[match.end():].lstrip().startswith("("):
            continue
        if match.group(0) not in PROMQL_KEYWORDS:
            names.append(match.group(0))
    return names


def is_allowed(name, documented):
    return name in documented or name in PROMETHEUS_NAMES or name.startswith(BINDER_PREFIXES)


def check_metric_names(where, expr, documented, problems):
    for name in metric_names(expr):
        if not is_allowed(name, documented):
            problems.append(f"{where}: metric {name} is not in docs/architecture.md or a known binder")


def check_dashboard_expr(where, expr, documented, variables, problems):
    check_metric_names(where, expr, documented, problems)
    for function, window in re.findall(r"\b(rate|irate|increase)\([^\[]*\[([^\]]+)\]", expr):
        if window not in RATE_WINDOWS:
            problems.append(f"{where}: {function}() uses window [{window}], expected $__rate_interval or $__range")
    for variable in re.findall(r"\$\{?(\w+)", expr):
        if variable not in variables and variable not in GRAFANA_BUILTIN_VARIABLES:
            problems.append(f"{where}: variable ${variable} is not defined in templating")


def all_panels(panels):
    for panel in panels:
        yield panel
        yield from all_panels(panel.get("panels", []))


def check_panel(panel, documented, variables, problems):
    where = f"panel {panel.get('id')} '{panel.get('title', '')}'"
    if not str(panel.get("description", "")).strip():
        problems.append(f"{where}: missing description")
    unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit")
    if panel.get("type") in NUMERIC_PANEL_TYPES and not unit:
        problems.append(f"{where}: missing fieldConfig.defaults.unit")
    if panel.get("datasource", {}).get("uid") != "${datasource}":
        problems.append(f"{where}: datasource uid must be ${{datasource}}, got {panel.get('datasource')}")
    targets = panel.get("targets", [])
    if not targets:
        problems.append(f"{where}: no queries")
    for target in targets:
        expr = target.get("expr", "")
        if not expr.strip():
            problems.append(f"{where} query {target.get('refId')}: empty expr")
        check_dashboard_expr(f"{where} query {target.get('refId')}", expr, documented, variables, problems)


def check_variables(dashboard, documented, problems):
    variables = {}
    for variable in dashboard.get("templating", {}).get("list", []):
        variables[variable.get("name")] = variable
    if variables.get("datasource", {}).get("type") != "datasource":
        problems.append("templating: missing variable 'datasource' of type datasource")
    for name, variable in variables.items():
        if variable.get("type") != "query":
            continue
        query = variable.get("query", {})
        query = query.get("query", "") if isinstance(query, dict) else query
        match = re.fullmatch(r"\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*\w+\s*\)\s*", query)
        if not match:
            problems.append(f"variable {name}: expected label_values(metric, label), got {query!r}")
        elif not is_allowed(match.group(1), documented):
            problems.append(f"variable {name}: metric {match.group(1)} is not in docs/architecture.md")
    return set(variables)


def check_dashboard(path, documented, problems):
    try:
        with open(path, encoding="utf-8") as source:
            dashboard = json.load(source)
    except (OSError, ValueError) as error:
        problems.append(f"{path}: not valid JSON: {error}")
        return
    variables = check_variables(dashboard, documented, problems)
    seen_ids = set()
    for panel in all_panels(dashboard.get("panels", [])):
        if panel.get("id") in seen_ids:
            problems.append(f"panel {panel.get('id')} '{panel.get('title', '')}': duplicate id")
        seen_ids.add(panel.get("id"))
        if panel.get("type") != "row":
            check_panel(panel, documented, variables, problems)
    print(f"   {path}: {len(seen_ids)} panels checked")


def check_alerts(path, documented, problems):
    try:
        import yaml
    except ImportError:
        print(f"   SKIPPED metric names of {path}: PyYAML is not installed (python3-yaml)")
        return
    with open(path, encoding="utf-8") as source:
        rules = yaml.safe_load(source)
    for group in rules.get("groups", []):
        for rule in group.get("rules", []):
            name = rule.get("alert") or rule.get("record")
            check_metric_names(f"{path} rule {name}", rule.get("expr", ""), documented, problems)


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2])
        return 2
    with open(argv[2], encoding="utf-8") as source:
        documented = documented_names(source.read())
    if not documented:
        print(f"{argv[2]}: no metric table rows found")
        return 1
    problems = []
    check_dashboard(argv[1], documented, problems)
    if len(argv) == 4:
        check_alerts(argv[3], documented, problems)
    for problem in problems:
        print(f"   {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
