#!/usr/bin/env bash
# Every benchmark in one run (not tests), for docs/performance.md: AWS calls and DynamoDB units per operation
# (bench-costs), webhook → operator WebSocket latency (bench-realtime), sender throughput against Telegram's limits
# (bench.sh), cold starts (bench-coldstart). Each is also runnable alone. The report (Markdown, with the date, the
# machine and the commands) goes to stdout and to target/bench-all-<UTC timestamp>.md; paste its sections into
# docs/performance.md. Usage: infra/bench-all.sh [quick]   (quick: fewer repetitions and rounds, for a smoke run)
# Needs what the tests need: python3 with moto[server] (or AWS_ENDPOINT_URL / Docker for LocalStack).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(sh infra/java-home.sh); export JAVA_HOME
mkdir -p target
out="target/bench-all-$(date -u +%Y%m%dT%H%M%SZ).md"

if [ "${1:-}" = quick ]; then
  costs=(reps=2 clients=5 extra=2); realtime=(updates=60 operators=3 chats=10 rate=20 warmup=10)
  sender=(chats=60 perChat=2); coldstart=(rounds=3 warmup=1)
else
  costs=(); realtime=(); sender=(); coldstart=()
fi

# one build for all of them: the function jars (cold starts load them) and bench with its classpath
mvn -B -q -pl functions/webhook,functions/scenario,functions/sender,functions/operator-api,functions/autoclose,functions/websocket,functions/push,bench \
  -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
run() { "$JAVA_HOME/bin/java" -cp "$cp" "$@"; }

{
  echo "# Benchmarks, $(date -u +%Y-%m-%d)"
  echo
  echo "Commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with local changes)');" \
       "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//' || echo '?'));" \
       "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1); load average at the start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')."
  echo
  echo '```sh'
  echo "infra/bench-costs.sh${costs[*]:+ ${costs[*]}}"
  echo '```'
  run dev.tgdesk.bench.OperationCostBench "${costs[@]}" 2>/dev/null | sed -n '/^## AWS calls/,$p'
  echo
  echo "## Webhook → operator WebSocket latency"
  echo
  echo '```sh'
  echo "infra/bench-realtime.sh${realtime[*]:+ ${realtime[*]}}"
  echo '```'
  echo '```'
  run dev.tgdesk.bench.RealtimeBench "${realtime[@]}" 2>/dev/null | sed -n '/^Real-time push/,$p'
  echo '```'
  echo
  echo "## Sender throughput against Telegram's limits"
  echo
  echo '```sh'
  echo "infra/bench.sh${sender[*]:+ ${sender[*]}}"
  echo '```'
  echo '```'
  run dev.tgdesk.bench.SenderBench "${sender[@]}" 2>/dev/null | sed -n '/^== SenderBench/,$p'
  echo '```'
  echo
  echo "## Cold starts"
  echo
  echo '```sh'
  echo "infra/bench-coldstart.sh${coldstart[*]:+ ${coldstart[*]}}"
  echo '```'
  run dev.tgdesk.bench.ColdStartBench "${coldstart[@]}" 2>/dev/null | sed -n '/^Cold start/,$p'
  echo
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')."
} | tee "$out"
echo "(written to $out)" >&2
