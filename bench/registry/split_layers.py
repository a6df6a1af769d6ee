#!/usr/bin/env python3
"""Splits a rootfs tar into an OCI image of N gzip layers, for the registry bench.

    split_layers.py ROOTFS.tar LAYOUT_DIR TAG [N]

The members are taken in the tar's order (directories before their contents) and cut into N
layers of about equal size, so each layer is a few whole directories, as a Dockerfile's layers
would be. A hard link whose target went to an earlier layer is stored as a copy of the file:
a layer may not link to a file of another layer. The layout gets blobs, a config (diff_ids,
linux/amd64, Cmd /bin/bash) and a manifest tagged TAG in index.json. gzip level 6, as docker's.
Only the standard library.
"""
import gzip
import hashlib
import json
import os
import sys
import tarfile


class HashWriter:
    """A file object that hashes and counts what passes through it to `out`."""

    def __init__(self, out):
        self.out, self.sha, self.n = out, hashlib.sha256(), 0

    def write(self, b):
        self.sha.update(b)
        self.n += len(b)
        return self.out.write(b)

    def flush(self):
        self.out.flush()


def write_blob(layout, data: bytes):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", d), "wb") as f:
        f.write(data)
    return "sha256:" + d, len(data)


def main():
    src, layout, tag = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)

    src_tar = tarfile.open(src)
    members = src_tar.getmembers()
    total = sum(m.size for m in members if m.isfile())
    per_layer = total / n

    layers, diff_ids = [], []
    placed = {}  # member name -> layer index, for hard links
    i = 0
    start = 0
    while start < len(members):
        # this layer: members from `start` until it holds per_layer bytes (the last takes the rest)
        end, size = start, 0
        while end < len(members) and (i == n - 1 or size < per_layer or end == start):
            if members[end].isfile():
                size += members[end].size
            end += 1
        tmp = os.path.join(layout, f"layer{i}.tmp")
        with open(tmp, "wb") as raw:
            zw = HashWriter(raw)
            with gzip.GzipFile(fileobj=zw, mode="wb", compresslevel=6, mtime=0) as gz:
                uw = HashWriter(gz)
                with tarfile.open(fileobj=uw, mode="w|", format=tarfile.PAX_FORMAT) as out:
                    for m in members[start:end]:
                        if m.islnk() and placed.get(m.linkname) != i:
                            # the target is in another layer: a copy of the file instead
                            target = src_tar.getmember(m.linkname)
                            copy = tarfile.TarInfo(m.name)
                            for a in ("mode", "uid", "gid", "uname", "gname", "mtime"):
                                setattr(copy, a, getattr(target, a))
                            copy.size = target.size
                            out.addfile(copy, src_tar.extractfile(target))
                        elif m.isfile():
                            out.addfile(m, src_tar.extractfile(m))
                        else:
                            out.addfile(m)
                        placed[m.name] = i
        d = zw.sha.hexdigest()
        os.rename(tmp, os.path.join(layout, "blobs", "sha256", d))
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                       "digest": "sha256:" + d, "size": zw.n})
        diff_ids.append("sha256:" + uw.sha.hexdigest())
        print(f"layer {i}: {end - start} entries, {size >> 20} MiB of files, {zw.n >> 20} MiB gzip",
              file=sys.stderr)
        start, i = end, i + 1

    config = {"architecture": "amd64", "os": "linux",
              "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                         "Cmd": ["/bin/bash"]},
              "rootfs": {"type": "layers", "diff_ids": diff_ids},
              "history": [{"created_by": f"split_layers.py layer {k}"} for k in range(len(layers))]}
    cdig, csize = write_blob(layout, json.dumps(config).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdig, "size": csize},
                "layers": layers}
    mdig, msize = write_blob(layout, json.dumps(manifest).encode())
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdig, "size": msize,
             "annotations": {"org.opencontainers.image.ref.name": tag}}]}, f)


if __name__ == "__main__":
    main()
