#!/usr/bin/env bash
# make-tls-certs.sh DIR: a throwaway PKI for the TLS tests, as Docker's "protect the daemon
# socket" guide makes it (EC P-256 keys: fast to generate).
#   ca.pem                 the CA berthd trusts for client certificates and clients for berthd
#   server-cert.pem/-key   berthd's certificate: SAN 127.0.0.1, ::1, localhost; serverAuth
#   cert.pem / key.pem     a client certificate signed by ca.pem; clientAuth
#   elsewhere-cert.pem/-key  a server certificate from ca.pem for another name only
#   other/                 ca.pem, cert.pem, key.pem of an unrelated CA
set -euo pipefail
dir=$1
mkdir -p "$dir/other"
cd "$dir"

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

make_ca() {  # make_ca PREFIX CN
  newkey "$1ca-key.pem"
  openssl req -new -x509 -days 2 -key "$1ca-key.pem" -subj "/CN=$2" -out "$1ca.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}

sign() {  # sign PREFIX-OF-CA KEY CERT CN EXTFILE-CONTENT
  newkey "$2"
  openssl req -new -key "$2" -subj "/CN=$4" -out "$3.csr"
  printf '%s\n' "$5" > "$3.ext"
  openssl x509 -req -days 2 -in "$3.csr" -CA "$1ca.pem" -CAkey "$1ca-key.pem" \
    -CAcreateserial -out "$3" -extfile "$3.ext" 2>/dev/null
  rm -f "$3.csr" "$3.ext"
}

make_ca "" "berth test CA"
sign "" server-key.pem server-cert.pem localhost \
  "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost
extendedKeyUsage=serverAuth"
sign "" key.pem cert.pem client "extendedKeyUsage=clientAuth"
sign "" elsewhere-key.pem elsewhere-cert.pem elsewhere \
  "subjectAltName=DNS:elsewhere.invalid
extendedKeyUsage=serverAuth"

make_ca other/ "some other CA"
sign other/ other/key.pem other/cert.pem client "extendedKeyUsage=clientAuth"
