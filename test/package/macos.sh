#!/usr/bin/env bash
# The macOS engines (darwin-arm64, darwin-x64), cross-built here with zig (scripts/portable-build.mjs).
# Nothing here can load a Mach-O file, so each is checked structurally (scripts/engine-check.mjs): its
# architecture, that it is a dynamic library exporting napi_register_module_v1, that every undefined symbol
# comes from libSystem (or is Node-API, looked up at load time), that it links only /usr/lib system
# libraries, the minimum macOS it declares (MIN_MACOS in src/native.ts) and an @rpath install name. Then its
# platform package: the tarball from `npm run pack:local`, with the os and cpu npm installs it for.
# Prints one PASS/FAIL line per check; exits 1 on any failure. Usage: bash test/package/macos.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TEST_NAME=macos
# shellcheck source=test/package/lib.sh
source test/package/lib.sh

[ -f dist/native.js ] || npm run --silent build:ts || abort build:ts "npm run build:ts failed"
npm run --silent pack:local -- --platform darwin-arm64,darwin-x64 || abort pack:local "npm run pack:local -- --platform darwin-arm64,darwin-x64 failed"
VERSION=$(node -p "require('./package.json').version")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/giantstep-macos-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
for platform in darwin-arm64 darwin-x64; do
  engine=$ROOT/target/portable/giantstep.$platform.node
  if out=$(node scripts/engine-check.mjs "$engine" "$platform"); then
    pass "structure of giantstep.$platform.node:"$'\n'"$out"
  else
    fail "$platform structure" $'\n'"$out"
  fi
  tgz=$ROOT/artifacts/giantstep-$platform-$VERSION.tgz
  mkdir -p "$WORK/$platform" && tar -xzf "$tgz" -C "$WORK/$platform" 2>/dev/null || { fail "$platform tarball" "cannot unpack $tgz"; continue; }
  if out=$(node -e '
      const [dir, platform] = process.argv.slice(1);
      const pkg = JSON.parse(require("fs").readFileSync(`${dir}/package/package.json`, "utf8"));
      const file = `giantstep.${platform}.node`;
      const ok = pkg.name === `giantstep-${platform}` && pkg.main === file && pkg.os?.join() === "darwin" &&
        pkg.cpu?.join() === platform.split("-")[1] && require("fs").existsSync(`${dir}/package/${file}`);
      console.log(`${pkg.name}@${pkg.version}: main ${pkg.main}, os ${pkg.os}, cpu ${pkg.cpu}`);
      process.exit(ok ? 0 : 1);' "$WORK/$platform" "$platform"); then
    pass "$(basename "$tgz"): $out"
  else
    fail "$platform package" "$out"
  fi
done
summary
