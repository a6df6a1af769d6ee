#!/usr/bin/env bash
# Installs every Debian package berth needs to build and test; with --bench, also the
# benchmark peers (dockerd, GNU time, hyperfine). Idempotent: apt-get runs only when a package
# is missing.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build ccache pkg-config git
  libboost-dev nlohmann-json3-dev libarchive-dev nettle-dev libzstd-dev zlib1g-dev libssl-dev libcurl4-openssl-dev
  libseccomp-dev libcap-dev libnl-3-dev libnl-route-3-dev libnftables-dev libsqlite3-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  # tests and their peers
  bats jq curl openssl busybox-static runc skopeo umoci iproute2 procps util-linux python3 strace
  sqlite3 python3-jsonschema xz-utils python3-docker
  # registry tests: a private registry (its systemd unit is never started: see policy-rc.d
  # below), and htpasswd -B for its basic auth
  docker-registry apache2-utils
)
if [ "${1:-}" = --bench ]; then
  # Benchmark peers and measurement: dockerd + containerd (the benches start their own,
  # privately), GNU time, hyperfine; mmdebstrap for the registry bench's Debian image. The
  # test suite needs none of them.
  packages+=(docker.io time hyperfine mmdebstrap)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Installing docker.io/containerd/docker-registry must not start them as services (they would
# take over host networking, /var/lib/docker, port 5000): deny service starts for the install
# unless a policy exists.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
