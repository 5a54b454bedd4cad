#!/usr/bin/env bash
# Tears a throwaway stack down: `destroy` removes its resources, then `stack rm` forgets it.
#   STACK=<name> scripts/e2e/stack-down.sh destroy|rm
# Each runs as its own workflow step, even after a failure. `stack rm` is never forced: if the
# destroy failed, `pulumi stack rm` refuses a stack that still has resources ("Forces deletion of
# the stack, leaving behind any resources" is what --force would do, Pulumi CLI reference), so
# the state that names what to clean up is kept.
set -euo pipefail

: "${STACK:?set STACK to the throwaway stack name}"

# `pulumi stack select <name>` fails for a stack that does not exist (it creates one only with
# --create, Pulumi CLI reference): the deploy step may have failed before `stack init`.
if ! pulumi stack select "$STACK" >/dev/null 2>&1; then
  echo "stack ${STACK} does not exist: nothing to ${1:-do}"
  exit 0
fi

case "${1:-}" in
  destroy) pulumi destroy --yes --stack "$STACK" ;;
  rm) pulumi stack rm --yes "$STACK" ;;
  *)
    echo "usage: $0 destroy|rm" >&2
    exit 64
    ;;
esac
