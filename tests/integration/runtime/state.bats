#!/usr/bin/env bats
# state: JSON valid against the runtime-spec state schema, through the lifecycle.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

SCHEMA_DIR=$REPO/reference/oci-runtime-spec

validate() {
  run python3 "$BATS_TEST_DIRNAME/validate_state.py" "$SCHEMA_DIR" <<<"$1"
  echo "$1"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = valid ]
}

@test "state: created, running and stopped states validate against state-schema.json" {
  update_config '.annotations = {"org.example.key": "value"}'
  set_args sleep 100
  rt create --bundle "$BUNDLE" "$CID"
  local s; s=$(rt state "$CID")
  validate "$s"
  [ "$(jq -r .status <<<"$s")" = created ]
  [ "$(jq -r .id <<<"$s")" = "$CID" ]
  [ "$(jq -r .bundle <<<"$s")" = "$BUNDLE" ]
  [ "$(jq -r '.annotations["org.example.key"]' <<<"$s")" = value ]
  local pid; pid=$(jq .pid <<<"$s")
  [ "$pid" -gt 0 ]
  [ -d "/proc/$pid" ]

  rt start "$CID"
  s=$(rt state "$CID")
  validate "$s"
  [ "$(jq -r .status <<<"$s")" = running ]
  [ "$(jq .pid <<<"$s")" = "$pid" ]

  rt kill "$CID" KILL
  wait_for_status "$CID" stopped
  s=$(rt state "$CID")
  validate "$s"
  [ "$(jq -r .status <<<"$s")" = stopped ]
}

@test "state: the validator itself rejects a broken state (control)" {
  run python3 "$BATS_TEST_DIRNAME/validate_state.py" "$SCHEMA_DIR" <<<'{"ociVersion": "1.2.0", "id": 3, "status": "walking", "pid": -1}'
  [ "$status" -eq 1 ]
  [[ "$output" == *bundle* ]]
  [[ "$output" == *walking* ]]
}

@test "state: an unknown container is an error naming it" {
  run rt state nosuch-$CID
  [ "$status" -eq 1 ]
  [[ "$output" == *"nosuch-$CID"* ]]
}
