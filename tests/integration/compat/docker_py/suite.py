"""docker-py (Debian's python3-docker) against a private berthd: an SDK's view of the Engine
API, beyond what the docker CLI shows. Run by docker_py.bats; prints one line per check and
exits non-zero on the first failure. Usage: suite.py unix:///path/to.sock
"""
import io
import sys
import tarfile
import time

import docker

BASE = sys.argv[1]
client = docker.DockerClient(base_url=BASE, version="1.47", timeout=60)
api = client.api
made = []  # containers to remove at the end, whatever happens


def check(name, cond, detail=""):
    if not cond:
        raise AssertionError(f"{name}: {detail}")
    print(f"ok {name}")


def poll(pred, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def run_detached(*cmd, **kw):
    c = client.containers.run("busybox", list(cmd), detach=True, **kw)
    made.append(c.id)
    return c


def containers():
    check("ping", client.ping())
    check("version", client.version()["ApiVersion"] == "1.47")
    # remove=True: docker-py removes the container while its logs(follow=True) stream may
    # not have read the log yet; the follower must still deliver it (it holds the file open).
    out = client.containers.run("busybox", ["sh", "-c", "echo out; echo err >&2"], remove=True,
                                stderr=True)
    check("run and output", b"out" in out and b"err" in out, repr(out))
    c = run_detached("sleep", "1000", labels={"suite": "dockerpy"})
    c.reload()
    check("status running", c.status == "running", c.status)
    check("list by label", [x.id for x in client.containers.list(filters={"label": "suite=dockerpy"})] == [c.id])
    c.kill()  # SIGKILL returns once the container no longer runs (issue 14, item 1)
    c.reload()
    check("kill then inspect", c.status == "exited" and c.attrs["State"]["ExitCode"] == 137, c.attrs["State"])
    c.remove()
    made.remove(c.id)
    c = run_detached("sh", "-c", "exit 7")
    check("wait", c.wait(timeout=30)["StatusCode"] == 7)
    c.remove()
    made.remove(c.id)
    c = client.containers.create("busybox", ["true"], environment=["Foo", "Other=one"])
    made.append(c.id)
    check("bare Env name kept", c.attrs["Config"]["Env"][:2] == ["Foo", "Other=one"], c.attrs["Config"]["Env"])
    pruned = client.containers.prune()
    check("prune", c.id in (pruned.get("ContainersDeleted") or []), pruned)
    made.remove(c.id)


def execs():
    c = run_detached("sleep", "1000")
    r = c.exec_run(["sh", "-c", "echo hi; exit 3"])
    check("exec_run exit code and output", r.exit_code == 3 and r.output == b"hi\n", r)
    r = c.exec_run(["sh", "-c", "echo o; echo e >&2"], demux=True)
    check("exec_run demux", r.output == (b"o\n", b"e\n"), r.output)
    e = api.exec_create(c.id, ["echo", "tty"], tty=True)
    out = api.exec_start(e["Id"], tty=True)
    check("exec with a tty", out == b"tty\r\n", out)
    e = api.exec_create(c.id, ["true"])
    api.exec_start(e["Id"], detach=True)
    check("exec inspect after the end",
          poll(lambda: api.exec_inspect(e["Id"])["ExitCode"] == 0))
    try:
        api.exec_start(e["Id"], detach=True)
        check("finished exec restart refused", False)
    except docker.errors.APIError as err:
        check("finished exec restart refused", err.status_code == 409 and "has already run" in str(err), err)
    c.remove(force=True)
    made.remove(c.id)


def logs():
    c = run_detached("sh", "-c", "echo one; echo two >&2; echo three")
    c.wait(timeout=30)
    check("logs", c.logs() == b"one\ntwo\nthree\n" or sorted(c.logs().split()) == [b"one", b"three", b"two"], c.logs())
    check("logs stdout only", c.logs(stderr=False) == b"one\nthree\n", c.logs(stderr=False))
    check("logs tail", c.logs(tail=1).strip() in (b"three", b"two"), c.logs(tail=1))
    stamped = c.logs(timestamps=True, tail=1).decode()
    check("logs timestamps", stamped[:2] == "20" and "T" in stamped.split()[0], stamped)
    c.remove()
    made.remove(c.id)


def attach():
    c = client.containers.create("busybox", ["sh", "-c", "read x; echo got $x"], stdin_open=True)
    made.append(c.id)
    sock = c.attach_socket(params={"stdin": 1, "stdout": 1, "stream": 1})
    c.start()
    sock._sock.sendall(b"line\n")
    c.wait(timeout=30)
    data = b""
    while True:
        chunk = sock._sock.recv(4096)
        if not chunk:
            break
        data += chunk
    sock.close()
    # Multiplexed: a stdout frame header (1, 0, 0, 0, length) before the bytes.
    check("attach stdin and stdout", data[:1] == b"\x01" and data.endswith(b"got line\n"), data)
    c.remove()
    made.remove(c.id)


def archive():
    c = run_detached("sleep", "1000")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        data = b"hello\n"
        info = tarfile.TarInfo("greeting")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    check("put_archive", c.put_archive("/tmp", buf.getvalue()))
    check("exec sees the file", c.exec_run(["cat", "/tmp/greeting"]).output == b"hello\n")
    stream, stat = c.get_archive("/tmp/greeting")
    raw = b"".join(stream)
    with tarfile.open(fileobj=io.BytesIO(raw)) as t:
        got = t.extractfile("greeting").read()
    check("get_archive", got == b"hello\n" and stat["name"] == "greeting", stat)
    c.remove(force=True)
    made.remove(c.id)


def images():
    img = client.images.get("busybox:latest")
    check("image get", "busybox:latest" in img.tags, img.tags)
    img.tag("dockerpy/bb", "t1")
    check("image tag and list", any("dockerpy/bb:t1" in i.tags for i in client.images.list()))
    saved = b"".join(client.images.get("dockerpy/bb:t1").save(named=True))
    client.images.remove("dockerpy/bb:t1")
    loaded = client.images.load(saved)
    check("image save and load", any("dockerpy/bb:t1" in i.tags for i in loaded), loaded)
    client.images.remove("dockerpy/bb:t1")
    try:
        client.images.load(b"not a tar")
        check("bad load raises", False)
    except docker.errors.ImageLoadError as err:
        # docker-py raises this only for an error inside the 200 stream (errorDetail), as
        # dockerd sends it; a 400 would be an APIError.
        check("bad load raises ImageLoadError", "archive" in str(err).lower(), err)
    try:
        client.images.get("no/such:image")
        check("missing image", False)
    except docker.errors.ImageNotFound:
        check("missing image", True)


def events():
    since = int(time.time()) - 1
    c = run_detached("true")
    c.wait(timeout=30)
    c.remove()
    made.remove(c.id)
    until = int(time.time()) + 1
    actions = [e["Action"] for e in client.events(since=since, until=until, decode=True,
                                                   filters={"container": c.id})]
    for a in ("create", "start", "die", "destroy"):
        check(f"event {a}", a in actions, actions)


def swarm():
    try:
        client.services.list()
        check("services outside swarm", False)
    except docker.errors.APIError as err:
        check("services outside swarm", err.status_code == 503 and "not a swarm manager" in str(err), err)


try:
    for part in (containers, execs, logs, attach, archive, images, events, swarm):
        part()
finally:
    for cid in made:
        try:
            api.remove_container(cid, force=True)
        except Exception:
            pass
