# The PASS/FAIL bookkeeping of the package tests (run.sh, aarch64.sh, macos.sh, windows.sh). Source it with
# TEST_NAME set: pass NAME, fail NAME [WHY], abort NAME [WHY] (fail, then summary), summary (exit 0 or 1).
failed=()
passed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed+=("$1"); echo "FAIL $1${2:+: $2}"; }
summary() {
  if [ ${#failed[@]} -eq 0 ]; then echo "$TEST_NAME test: PASS ($passed checks)"; exit 0; fi
  echo "$TEST_NAME test: FAIL (${#failed[@]} of $((passed + ${#failed[@]})) checks failed: ${failed[*]})"
  exit 1
}
abort() { fail "$1" "${2:-}"; summary; }
