#!/usr/bin/env bash
# Creates a throwaway stack and deploys it: `pulumi stack init`, its settings, `pulumi up --yes`.
#   STACK=<name> LOCATION=<region> scripts/e2e/stack-up.sh
# Flags as the Pulumi CLI reference documents them: `stack init <name>`, `config set <key>
# <value> --stack <name>`, `up --yes` (skip the confirmation) `--stack <name>`.
set -euo pipefail

: "${STACK:?set STACK to the throwaway stack name}"
: "${LOCATION:=westeurope}"

pulumi stack init "$STACK"
pulumi config set location "$LOCATION" --stack "$STACK"
pulumi config set owner "${OWNER:-azure-e2e}" --stack "$STACK"
pulumi up --yes --stack "$STACK"
