#!/usr/bin/env bats
# Archive round trips between berth, skopeo and umoci (offline: local dirs and archives only).

load image_helpers

setup() { image_setup; }
teardown() { image_teardown; }

@test "berth save (docker format) is read by skopeo, and umoci unpacks the result" {
    tool busybox
    tool save -o "$TMP/bb.tar" busybox
    skopeo copy --quiet docker-archive:"$TMP/bb.tar" oci:"$TMP/oci":latest
    umoci unpack --image "$TMP/oci":latest "$TMP/bundle"
    [ -x "$TMP/bundle/rootfs/bin/busybox" ]
    [ "$(stat -c %i "$TMP/bundle/rootfs/bin/sh")" = "$(stat -c %i "$TMP/bundle/rootfs/bin/busybox")" ]
    grep -q '^root:x:0:0:' "$TMP/bundle/rootfs/etc/passwd"
}

@test "berth save --format oci is an OCI archive skopeo and umoci accept" {
    tool busybox
    tool save --format oci -o "$TMP/bb-oci.tar" busybox
    skopeo copy --quiet oci-archive:"$TMP/bb-oci.tar":latest oci:"$TMP/oci":x
    umoci unpack --image "$TMP/oci":x "$TMP/bundle"
    [ -x "$TMP/bundle/rootfs/bin/busybox" ]
}

@test "berth save --dir writes an OCI layout umoci unpacks directly" {
    tool busybox
    tool save --dir "$TMP/layout" busybox
    [ -f "$TMP/layout/oci-layout" ]
    umoci unpack --image "$TMP/layout":latest "$TMP/bundle"
    [ -x "$TMP/bundle/rootfs/bin/sh" ]
}

@test "skopeo docker-archive output loads into berth with its tag" {
    make_rootfs_tar "$TMP/rootfs.tar"
    tool import -c 'CMD ["/bin/sh"]' "$TMP/rootfs.tar" src/app:1
    tool save --dir "$TMP/layout" src/app:1
    skopeo copy --quiet oci:"$TMP/layout":1 docker-archive:"$TMP/from-skopeo.tar":example.com/team/app:2
    ROOT="$TMP/root2"
    run tool load -i "$TMP/from-skopeo.tar"
    [ "$status" -eq 0 ]
    [[ "$output" == *"Loaded image: example.com/team/app:2"* ]]
    run tool config example.com/team/app:2
    [[ "$output" == *'"Cmd":["/bin/sh"]'* ]]
}

@test "skopeo oci-archive output loads into berth (tag from --name)" {
    tool busybox
    tool save --dir "$TMP/layout" busybox
    skopeo copy --quiet oci:"$TMP/layout":latest oci-archive:"$TMP/x.tar":v9
    ROOT="$TMP/root2"
    run tool load -i "$TMP/x.tar" --name mirror/busybox
    [ "$status" -eq 0 ]
    [[ "$output" == *"Loaded image: mirror/busybox:v9"* ]]
}

@test "save then load keeps the image id and unpacks layers on request" {
    tool busybox
    id="$(tool images | awk '$1 == "busybox:latest" { print $2 }')"
    tool save -o "$TMP/bb.tar" busybox
    gzip -c "$TMP/bb.tar" > "$TMP/bb.tar.gz"
    ROOT="$TMP/root2"
    run tool load -i "$TMP/bb.tar.gz" --unpack
    [ "$status" -eq 0 ]
    [ "$(tool images | awk '$1 == "busybox:latest" { print $2 }')" = "$id" ]
    ls "$ROOT"/layers/*/diff/bin/busybox
}

@test "import applies --change instructions" {
    make_rootfs_tar "$TMP/rootfs.tar"
    gzip "$TMP/rootfs.tar"
    tool import -c 'ENV A=1' -c 'WORKDIR /srv' -c 'EXPOSE 8080' -c 'ENTRYPOINT ["/bin/sh"]' "$TMP/rootfs.tar.gz" imp:1
    run tool config imp:1
    [[ "$output" == *'"A=1"'* ]]
    [[ "$output" == *'"WorkingDir":"/srv"'* ]]
    [[ "$output" == *'"8080/tcp"'* ]]
    run tool import -c 'FROM scratch' "$TMP/rootfs.tar.gz"
    [ "$status" -ne 0 ]
    [[ "$output" == *'"FROM" is not a valid change command'* ]]
}
