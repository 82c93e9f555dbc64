#!/usr/bin/env bash
# Schemathesis over the whole OpenAPI schema, anonymously and as each demo
# role, against a running server (the production path of .ci/run).
# Usage: tests/schema/run.sh BASE_URL DEMO_PASSWORD [MAX_EXAMPLES]
# Fails on any server error and on any answer the schema does not describe
# (status code, content type, body, headers). ROLES narrows the run.
set -euo pipefail
base=${1:?base URL, e.g. http://127.0.0.1:8765}
password=${2:?the demo users password}
examples=${3:-25}
st=${ST:-.venv/bin/st}
roles=${ROLES:-anonymous reception operatore sala direttore consulente kiosk ccm regione}
checks=not_a_server_error,status_code_conformance,content_type_conformance
checks=$checks,response_schema_conformance,response_headers_conformance
out=$(mktemp -d)

fuzz_as() {
  local user=$1 headers=()
  if [ "$user" != anonymous ]; then
    local token
    token=$(curl -fs -X POST --data-urlencode "username=$user" \
      --data-urlencode "password=$password" "$base/api/v1/auth/token/" |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
    headers=(-H "Authorization: Token $token")
  fi
  # The token endpoints are left out: the fuzzer's wrong passwords would
  # lock the demo users out (django-axes) halfway through. One worker per
  # process: Python 3.11's parser is not safe across threads, and the
  # fuzzer parses source while it builds its strategies.
  "$st" run "$base/api/schema/" "${headers[@]}" --checks "$checks" \
    --max-examples "$examples" --phases examples,coverage,fuzzing \
    --exclude-path /api/v1/auth/token/ --exclude-path /api/v1/auth/token/revoke/ \
    --generation-database none --seed 66 --workers 1 --no-color \
    --suppress-health-check all --max-failures 50 >"$out/$user.txt" 2>&1
}

pids=()
for user in $roles; do
  fuzz_as "$user" &
  pids+=("$!:$user")
  # Three at a time: the server has two workers.
  while [ "$(jobs -rp | wc -l)" -ge 3 ]; do sleep 1; done
done
status=0
for entry in "${pids[@]}"; do
  pid=${entry%%:*} user=${entry#*:}
  if wait "$pid"; then
    printf 'schemathesis as %-10s passed: %s\n' "$user" \
      "$(grep -E '[0-9]+ generated' "$out/$user.txt" | tr -s ' ')"
  else
    printf '\n--- schemathesis as %s FAILED ---\n' "$user"
    cat "$out/$user.txt"
    status=1
  fi
done
rm -rf "$out"
exit $status
