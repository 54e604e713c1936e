# Sourced by the benchmarks (bash): the platform they measure, started and stopped.
#   start_platform   ./scripts/run.sh in the background (with the caller's VAR_DIR and
#                    PORT, output in $VAR_DIR/platform.out), waits until it is running
#   stop_platform    stops it and everything it started, and waits for that
# run.sh is sent SIGTERM, not SIGINT: a job a script starts with `&` ignores SIGINT (bash
# sets it so, and the job cannot trap it) — which is how `make bench` used to leave its
# platform running.

start_platform() {
  ./scripts/run.sh >"$VAR_DIR/platform.out" 2>&1 &
  PLATFORM=$!
  for _ in $(seq 1 180); do
    grep -q "is running" "$VAR_DIR/platform.out" 2>/dev/null && return 0
    kill -0 "$PLATFORM" 2>/dev/null || break
    sleep 1
  done
  cat "$VAR_DIR/platform.out"
  stop_platform
  return 1
}

stop_platform() {
  if [ -n "${PLATFORM:-}" ]; then
    kill -TERM "$PLATFORM" 2>/dev/null || true
    wait "$PLATFORM" 2>/dev/null || true
    PLATFORM=""
  fi
}
