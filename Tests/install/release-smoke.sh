#!/usr/bin/env bash
# Smoke-tests the release tarball on this machine as a clean one would see it: unpacked
# anywhere, run with a PATH that has no Swift, needing no Swift runtime library.
#   Tests/install/release-smoke.sh dist/toy-VERSION-linux-ARCH.tar.gz
set -euo pipefail
tarball=$(realpath "${1:?usage: release-smoke.sh TARBALL}")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tar -C "$dir" -xzf "$tarball"
root=$(echo "$dir"/toy-*)
clean_env=(env -i PATH=/usr/bin:/bin HOME="$dir" TERM=dumb)
if "${clean_env[@]}" bash -c 'command -v swift' >/dev/null; then
  echo "FAILED: swift is on the clean PATH"; exit 1
fi
for program in toy toy-kernel; do
  if ldd "$root/bin/$program" | grep -q 'libswift\|libFoundation'; then
    echo "FAILED: $program needs the Swift runtime:"; ldd "$root/bin/$program"; exit 1
  fi
done
"${clean_env[@]}" "$root/bin/toy" --version
"${clean_env[@]}" "$root/bin/toy" kernel install --prefix "$dir/jupyter" >/dev/null
grep -q "$root/bin/toy-kernel" "$dir/jupyter/share/jupyter/kernels/toy/kernel.json"
cd "$dir"
"${clean_env[@]}" "$root/bin/toy" --quick --color never "$root/examples/01-intro.toy" | tail -3
echo "release smoke test passed"
