#!/usr/bin/env bash
# Tarball test (issue 7): what `npm install giantstep` gives a user without Rust.
#   1. `npm run pack:local -- --platform <this machine's>` writes artifacts/giantstep-<v>.tgz and
#      artifacts/giantstep-<platform>-<v>.tgz.
#   2. A fresh project outside the repository installs both with a PATH that has node and npm but no
#      cargo or rustc, runs the CLI (notebook-single-step, kappa 1.3) and the API from an ESM TypeScript
#      script (typechecked against the shipped .d.ts) and a CommonJS script, and checks the JSON.
#   3. The shipped .node needs nothing beyond libc, libm, libgcc_s, libpthread, libdl, librt and the dynamic
#      loader (readelf -d), and on linux-gnu no glibc symbol newer than 2.17 (readelf -V): it loads on
#      CentOS 7, RHEL/Rocky 8 and Ubuntu 20.04 cluster nodes.
#   4. The main package holds only compiled JS, .d.ts, README, LICENSE and package.json (npm pack --dry-run).
#   5. Without the platform package the loader fails naming the platform and how to build from source;
#      with a damaged engine it fails saying the engine does not load, and why.
# Prints one PASS/FAIL line per check and a summary; exits 1 on any failure. Usage: bash test/package/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
FIXTURES=$ROOT/test/package
TEST_NAME=package
# shellcheck source=test/package/lib.sh
source test/package/lib.sh

# readelf comes from binutils; CI runs as root on Debian/Ubuntu.
if ! command -v readelf >/dev/null 2>&1; then
  echo "installing binutils (readelf)"
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binutils) >/dev/null 2>&1
  fi
  command -v readelf >/dev/null 2>&1 || abort readelf "readelf is missing and binutils could not be installed"
fi

# 1. Tarballs.
pack_log=$(mktemp)
[ -f dist/native.js ] || npm run --silent build:ts || abort build:ts "npm run build:ts failed"
PLATFORM=$(node -p "require('./dist/native.js').platformName()")
# This machine's platform only: test/package/{aarch64,macos,windows}.sh pack and test the others.
if ! npm run --silent pack:local -- --platform "$PLATFORM" >"$pack_log"; then abort pack:local "npm run pack:local failed"; fi
cat "$pack_log"
VERSION=$(node -p "require('./package.json').version")
MAIN_TGZ=$ROOT/artifacts/giantstep-$VERSION.tgz
PLATFORM_PKG=giantstep-$PLATFORM
PLATFORM_TGZ=$ROOT/artifacts/$PLATFORM_PKG-$VERSION.tgz
BINARY=giantstep.$PLATFORM.node
for f in "$MAIN_TGZ" "$PLATFORM_TGZ"; do [ -f "$f" ] || abort pack:local "missing $f"; done
pass "pack:local wrote $(basename "$MAIN_TGZ") and $(basename "$PLATFORM_TGZ")"

# The generated platform folders: one per napi target, named as the loader expects, ignored by git.
expected_dirs=$(node -p "require('./dist/native.js').SUPPORTED.slice().sort().join(' ')")
actual_dirs=$(ls npm | sort | tr '\n' ' ' | sed 's/ $//')
targets=$(node -p "require('./package.json').napi.targets.length")
if [ "$actual_dirs" = "$expected_dirs" ] && [ "$targets" -eq "$(ls npm | wc -l)" ]; then
  pass "create-npm-dirs: $actual_dirs"
else
  fail create-npm-dirs "npm/ holds [$actual_dirs], the loader knows [$expected_dirs], package.json has $targets targets"
fi
if command -v git >/dev/null 2>&1 && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  if git check-ignore -q "npm/$PLATFORM/package.json" && git check-ignore -q "${MAIN_TGZ#"$ROOT"/}"; then
    pass "npm/ and artifacts/ are ignored by git"
  else
    fail gitignore "npm/ or artifacts/ is not ignored by git"
  fi
fi

# 2. A fresh project and a PATH with node and npm but no Rust toolchain.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/giantstep-package-test.XXXXXX")
trap 'rm -rf "$WORK" "$pack_log"' EXIT
mkdir -p "$WORK/bin" "$WORK/project"
for tool in node npm npx sh bash env cat ls mkdir rm cp mv ln sed grep head tail tr dirname basename uname \
  readlink realpath chmod mktemp find sort wc id; do
  src=$(command -v "$tool" 2>/dev/null) || continue
  case "$src" in */.cargo/bin/* | */.rustup/*) continue ;; esac
  ln -s "$src" "$WORK/bin/$tool"
done
CLEAN_PATH=$WORK/bin
if env PATH="$CLEAN_PATH" bash -c 'command -v cargo || command -v rustc' >/dev/null 2>&1; then
  abort "no-rust PATH" "cargo or rustc is reachable from $CLEAN_PATH"
fi
pass "cargo and rustc are not on the install PATH"
in_project() { (cd "$WORK/project" && env PATH="$CLEAN_PATH" "$@"); }

cat >"$WORK/project/package.json" <<'EOF'
{ "name": "giantstep-package-test", "version": "1.0.0", "private": true }
EOF
if in_project npm install --no-audit --no-fund --prefer-offline --loglevel=error "$MAIN_TGZ" "$PLATFORM_TGZ"; then
  pass "npm install of both tarballs without cargo/rustc"
else
  abort "npm install" "installing the tarballs failed"
fi
NM=$WORK/project/node_modules
if [ -f "$NM/$PLATFORM_PKG/$BINARY" ] && [ -z "$(find "$NM/giantstep" -name '*.node')" ]; then
  pass "the engine comes from $PLATFORM_PKG, the main package has no .node"
else
  fail "engine location" "expected $NM/$PLATFORM_PKG/$BINARY and no .node in $NM/giantstep"
fi

# The CLI on the notebook's single-step protocol at kappa = 1.3 (n = round(512^1.3) = 3327).
if in_project npx giantstep run --preset notebook-single-step --kappa 1.3 --out r.json; then
  if in_project node -e '
    const r = JSON.parse(require("fs").readFileSync("r.json", "utf8"));
    const ok = typeof r.testError === "number" && Number.isFinite(r.testError) && r.config.n === 3327 &&
      r.config.d === 512 && r.steps.length === 1 && Math.abs(r.testError - 0.3299) < 0.01;
    console.log(`testError ${r.testError}, n ${r.config.n}`);
    process.exit(ok ? 0 : 1);'; then
    pass "npx giantstep run --preset notebook-single-step --kappa 1.3"
  else
    fail "cli json" "r.json: testError not a number near 0.33 or config.n != 3327"
  fi
else
  fail cli "npx giantstep run exited non-zero"
fi

# The API from ESM TypeScript (typechecked against the shipped .d.ts with the repository's tsc) and CJS.
cp "$FIXTURES/smoke.mts" "$FIXTURES/smoke.cjs" "$WORK/project/"
esm_out=""
if in_project node "$ROOT/node_modules/typescript/bin/tsc" smoke.mts --module nodenext --moduleResolution nodenext \
  --target es2022 --lib es2022 --strict --types node --typeRoots "$ROOT/node_modules/@types"; then
  pass "smoke.mts typechecks against the shipped .d.ts"
  if esm_out=$(in_project node smoke.mjs); then
    pass "ESM import { run } from 'giantstep': $esm_out"
  else
    fail esm "node smoke.mjs failed"
  fi
else
  fail tsc "smoke.mts does not typecheck against the installed package"
fi
cjs_out=""
if cjs_out=$(in_project node smoke.cjs); then
  engines=$(node -p "JSON.parse(process.argv[1]).engines.join(' ')" "$cjs_out")
  if [ "$engines" = "$NM/$PLATFORM_PKG/$BINARY" ] || [ "$(realpath "$engines" 2>/dev/null)" = "$(realpath "$NM/$PLATFORM_PKG/$BINARY")" ]; then
    pass "CJS require('giantstep') loads $PLATFORM_PKG/$BINARY"
  else
    fail "cjs engine" "loaded [$engines], expected $NM/$PLATFORM_PKG/$BINARY"
  fi
else
  fail cjs "node smoke.cjs failed"
fi
if [ -n "$esm_out" ] && [ -n "$cjs_out" ]; then
  esm_err=$(node -p "JSON.parse(process.argv[1]).testError" "$esm_out")
  cjs_err=$(node -p "JSON.parse(process.argv[1]).testError" "$cjs_out")
  if [ "$esm_err" = "$cjs_err" ]; then pass "ESM and CJS give the same result"; else fail "esm = cjs" "$esm_err vs $cjs_err"; fi
fi

# 3. Shared libraries of the shipped engine.
SHIPPED=$NM/$PLATFORM_PKG/$BINARY
size=$(wc -c <"$SHIPPED")
needed=$(readelf -d "$SHIPPED" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ' | sed 's/ $//')
# Before glibc 2.34 pthread, dl and rt were libraries of their own; an engine linked against 2.17 names them.
extra=$(echo "$needed" | tr ' ' '\n' | grep -Ev '^(libc\.so\.6|libc\.musl-[a-z0-9_]+\.so\.1|libm\.so\.6|libgcc_s\.so\.1|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux[a-z0-9_.-]*\.so\.[0-9]+|ld-musl-[a-z0-9_]+\.so\.1)$' | tr '\n' ' ')
echo "shipped $BINARY: $size bytes ($(node -p "($size / 1e6).toFixed(2)") MB), NEEDED: $needed"
if [ -n "$needed" ] && [ -z "${extra// /}" ]; then
  pass "readelf -d: NEEDED only $needed"
else
  fail readelf "NEEDED beyond libc/libm/libgcc_s/libpthread/libdl/librt/loader: ${extra:-<none found>}"
fi
MIN_GLIBC=$(node -p "require('./dist/native.js').MIN_GLIBC")
case "$PLATFORM" in
  linux-*-gnu)
    glibc=$(node --input-type=module -e "import { maxGlibcVersion } from './scripts/portable-build.mjs'; console.log(maxGlibcVersion(process.argv[1]))" "$SHIPPED")
    if [ "$glibc" != null ] && [ "$(printf '%s\n%s\n' "$glibc" "$MIN_GLIBC" | sort -V | tail -n 1)" = "$MIN_GLIBC" ]; then
      pass "readelf -V: the newest glibc symbol version it needs is GLIBC_$glibc (<= $MIN_GLIBC)"
    else
      fail glibc "the shipped engine needs GLIBC_$glibc, newer than $MIN_GLIBC: it would not load on older cluster nodes"
    fi
    ;;
esac

# 4. What the packages contain.
allowed='^(package\.json|README\.md|LICENSE|dist/.+\.js|dist/.+\.d\.ts)$'
packed=$(npm pack --dry-run --json 2>/dev/null | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    console.log(JSON.parse(s)[0].files.map((f) => f.path).sort().join("\n"));
  });')
bad=$(echo "$packed" | grep -Ev "$allowed" | tr '\n' ' ')
missing=""
for must in package.json README.md LICENSE dist/index.js dist/index.d.ts dist/native.js dist/cli/main.js; do
  echo "$packed" | grep -qx "$must" || missing="$missing $must"
done
if [ -n "$packed" ] && [ -z "$bad" ] && [ -z "$missing" ]; then
  pass "npm pack --dry-run: $(echo "$packed" | wc -l) files, all compiled JS, .d.ts, README, LICENSE, package.json"
else
  fail "npm pack" "not allowed: [${bad}] missing: [${missing# }]"
fi
installed_bad=$(cd "$NM/giantstep" && find . -type f | sed 's|^\./||' | grep -Ev "$allowed" | tr '\n' ' ')
[ -z "$installed_bad" ] && pass "installed giantstep holds only allowed files" || fail "installed files" "$installed_bad"
platform_files=$(tar -tzf "$PLATFORM_TGZ" | sed 's|^package/||' | sort | tr '\n' ' ' | sed 's/ $//')
if [ "$platform_files" = "$(printf '%s\n' README.md "$BINARY" package.json | sort | tr '\n' ' ' | sed 's/ $//')" ]; then
  pass "$PLATFORM_PKG holds $platform_files"
else
  fail "platform package files" "$platform_files"
fi

# 5. No engine for this platform: the error names the platform and the way to build from source.
mv "$NM/$PLATFORM_PKG" "$WORK/moved-engine"
err=$(in_project npx giantstep run --preset notebook-single-step --n 100 2>&1 >/dev/null)
rc=$?
mv "$WORK/moved-engine" "$NM/$PLATFORM_PKG"
if [ $rc -ne 0 ] && [[ "$err" == *"$PLATFORM"* ]] && [[ "$err" == *"npm run build"* ]]; then
  pass "without $PLATFORM_PKG the CLI exits $rc naming $PLATFORM and how to build"
else
  fail "missing engine" "exit $rc, stderr: ${err:0:400}"
fi
cp "$NM/$PLATFORM_PKG/$BINARY" "$WORK/good-engine"
head -c 16 "$WORK/good-engine" >"$NM/$PLATFORM_PKG/$BINARY"
err=$(in_project npx giantstep run --preset notebook-single-step --n 100 2>&1 >/dev/null)
rc=$?
cp "$WORK/good-engine" "$NM/$PLATFORM_PKG/$BINARY"
if [ $rc -ne 0 ] && [[ "$err" == *"could not load its engine"* ]] && [[ "$err" == *"reinstall giantstep"* ]]; then
  pass "a damaged engine: exit $rc, '$(echo "$err" | grep -o 'could not load its engine[^:]*' | head -n 1)' with the cause"
else
  fail "damaged engine" "exit $rc, stderr: ${err:0:400}"
fi

summary
