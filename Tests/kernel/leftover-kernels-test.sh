#!/usr/bin/env bash
# Tests Tests/kernel/leftover-kernels: it ends and reports the toy-kernel processes carrying
# this run's mark, and leaves every other toy-kernel process alone without failing.
# Stand-in kernels are copies of sleep named toy-kernel; each is ended by its pid here.
# Ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/../.."
helper="${LEFTOVER_KERNELS:-Tests/kernel/leftover-kernels}"
dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT
cp "$(command -v sleep)" "$dir/toy-kernel"
passed=0
failed=0
check() { # check NAME CONDITION...
  local name="$1"
  shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name"; fi
}
alive() { kill -0 "$1" 2>/dev/null; }
gone() {
  for _ in $(seq 50); do alive "$1" || return 0; sleep 0.1; done
  return 1
}

mark="test-$$-$RANDOM"
# A kernel this run did not start (a user's notebook): no mark, or another run's mark.
env -u TOY_TEST_RUN "$dir/toy-kernel" 300 &
theirs=$!
TOY_TEST_RUN="other-$mark" "$dir/toy-kernel" 300 &
other_run=$!
pids+=("$theirs" "$other_run")
sleep 0.2

"$helper" "$mark" >"$dir/out" 2>&1
status=$?
check "no kernel of ours left: success" test "$status" -eq 0
check "a user's kernel is not ended" alive "$theirs"
check "another run's kernel is not ended" alive "$other_run"

TOY_TEST_RUN="$mark" "$dir/toy-kernel" 300 &
ours=$!
pids+=("$ours")
sleep 0.2
"$helper" "$mark" >"$dir/out" 2>&1
status=$?
check "a kernel of ours left: failure" test "$status" -eq 1
check "the failure names its pid" grep -q "pid $ours" "$dir/out"
check "our kernel is ended" gone "$ours"
check "the user's kernel still runs" alive "$theirs"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
