#!/usr/bin/env bash
# Installs toy into a temporary prefix and uses it from there: --version, the completion
# scripts, the man page, an example, the kernelspec. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
passed=0
failed=0
check() {
  local label=$1
  shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok: $label"; else failed=$((failed + 1)); echo "FAILED: $label"; fi
}
TOY_STAMP=0 scripts/install "$prefix" >/dev/null 2>&1
check "the install puts toy and toy-kernel in PREFIX/bin" test -x "$prefix/bin/toy" -a -x "$prefix/bin/toy-kernel"
check "toy --version prints the version" bash -c "'$prefix/bin/toy' --version | grep -qE '^[0-9]+\.[0-9]+\.[0-9]+'"
check "the bash completion script loads and completes toy" \
  bash -c "source '$prefix/share/bash-completion/completions/toy' && complete -p toy"
check "the zsh and fish completions are there" \
  test -s "$prefix/share/zsh/site-functions/_toy" -a -s "$prefix/share/fish/vendor_completions.d/toy.fish"
check "the man page names every subcommand" \
  bash -c "for c in run check train phase bench notebook kernel; do grep -q \"\$c\" '$prefix/share/man/man1/toy.1' || exit 1; done"
example=$(realpath examples/12-tour.toy)
check "an example runs from the installed binary, away from the build" \
  bash -c "cd '$prefix' && env -i PATH=/usr/bin:/bin HOME='$prefix' '$prefix/bin/toy' --quick --color never '$example'"
check "the installed toy installs the kernelspec of the installed kernel" \
  bash -c "'$prefix/bin/toy' kernel install --prefix '$prefix' && grep -q '$prefix/bin/toy-kernel' '$prefix/share/jupyter/kernels/toy/kernel.json'"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
