#!/usr/bin/env bats
# A registry on 127.0.0.1 that speaks https with a self-signed certificate: loopback is an
# insecure registry, so berthd talks https to it without verifying the certificate, as dockerd
# does (InsecureSkipVerify), rather than falling back to plain http on a TLS port.
load registry_helpers

setup_file() {
  registry_prereqs || return 0
  registry_setup_file
  make_fixtures "$RT/fx"
  start_registry tls
  R=$REG
  export R
  push_fixture "oci:$FX/oci:three" "$R/fx/three:1" --format v2s2
}

teardown_file() { registry_teardown_file; }
setup() { registry_setup; }
teardown() { on_failure; }

@test "pull and push over https from a self-signed registry on loopback" {
  run b pull "$R/fx/three:1"
  ok
  has "Status: Downloaded newer image for $R/fx/three:1"
  b tag busybox "$R/me/tls:1"
  run b push "$R/me/tls:1"
  ok
  # what the registry got came over https: skopeo reads it back only through TLS here
  run skopeo inspect --tls-verify=false "docker://$R/me/tls:1"
  ok
  run curl -s --max-time 5 "http://$R/v2/"
  [ "$status" -ne 0 ] || [[ "$output" != "{}" ]]  # the port speaks no plain http
}
