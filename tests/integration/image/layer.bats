#!/usr/bin/env bats
# Layer apply from the command line: hostile layers are refused and leave nothing.

load image_helpers

setup() { image_setup; }
teardown() { image_teardown; }

@test "a layer with ../ is refused, naming the entry" {
    python3 -c "
import tarfile, io
t = tarfile.open('$TMP/evil.tar', 'w')
i = tarfile.TarInfo('../etc/passwd'); d = b'x'; i.size = len(d)
t.addfile(i, io.BytesIO(d)); t.close()"
    run "$TOOL" apply "$TMP/evil.tar" "$TMP/target"
    [ "$status" -ne 0 ]
    [[ "$output" == *'layer entry "../etc/passwd": path escapes the layer root'* ]]
    [ ! -e "$TMP/target" ]
    [ "$(ls -A "$TMP" | grep -c apply)" -eq 0 ]
}

@test "a symlink planted by the layer cannot be written through" {
    python3 -c "
import tarfile, io
t = tarfile.open('$TMP/evil.tar', 'w')
l = tarfile.TarInfo('evil'); l.type = tarfile.SYMTYPE; l.linkname = '$TMP'; t.addfile(l)
i = tarfile.TarInfo('evil/pwned'); d = b'x'; i.size = len(d); t.addfile(i, io.BytesIO(d)); t.close()"
    run "$TOOL" apply "$TMP/evil.tar" "$TMP/target"
    [ "$status" -ne 0 ]
    [[ "$output" == *'layer entry "evil/pwned": path escapes the layer root'* ]]
    [ ! -e "$TMP/pwned" ]
    [ ! -e "$TMP/target" ]
}

@test "apply of a gzip layer prints the uncompressed diff id" {
    make_rootfs_tar "$TMP/l.tar"
    want="sha256:$(sha256sum < "$TMP/l.tar" | cut -d' ' -f1)"
    gzip -k "$TMP/l.tar"
    run "$TOOL" apply "$TMP/l.tar.gz" "$TMP/target"
    [ "$status" -eq 0 ]
    [ "$output" = "$want" ]
    [ "$(cat "$TMP/target/etc/greeting")" = hello ]
}

@test "a refused layer applied onto an existing rootfs is rolled back" {
    make_rootfs_tar "$TMP/base.tar"
    "$TOOL" apply "$TMP/base.tar" "$TMP/target" >/dev/null
    listing() { (cd "$TMP/target" && find . -printf '%p %y %m %U:%G %i %n %T@ %l\n' | sort && find . -type f -exec sha256sum {} + | sort); }
    before="$(listing)"
    python3 -c "
import tarfile, io
t = tarfile.open('$TMP/evil.tar', 'w')
def f(name, data=b'x'):
    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
f('etc/greeting', b'changed')
w = tarfile.TarInfo('etc/.wh.link'); t.addfile(w)
f('new/dir/file')
o = tarfile.TarInfo('bin/.wh..wh..opq'); t.addfile(o)
f('../escape')
t.close()"
    run "$TOOL" apply "$TMP/evil.tar" "$TMP/target"
    [ "$status" -ne 0 ]
    [[ "$output" == *'layer entry "../escape": path escapes the layer root'* ]]
    [[ "$output" != *'rollback incomplete'* ]]
    [ "$(listing)" = "$before" ]
    [ ! -e "$TMP/escape" ]
}
