#!/bin/sh
# Regenerates openssl-fixtures.ts: P-256 certificates made by OpenSSL 3 with
# the keyUsage, extendedKeyUsage, basicConstraints, critical extensions and
# SAN iPAddress entries the x509 tests exercise. Valid for 36500 days from
# the day they are made. Usage: sh make-openssl-fixtures.sh > openssl-fixtures.ts
set -eu
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
cat > ext.cnf <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
1.3.6.1.4.1.55555.2 = DER:05:00
[client]
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost
[anyeku]
keyUsage = digitalSignature
extendedKeyUsage = anyExtendedKeyUsage
subjectAltName = DNS:localhost
[nodigsig]
keyUsage = critical,keyAgreement
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:localhost
[crit]
subjectAltName = DNS:localhost
1.3.6.1.4.1.55555.1 = critical,DER:05:00
[nocertsign]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature
[notca]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyCertSign,digitalSignature
[mid]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign
[mid2]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign
[nc]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign
nameConstraints = critical,permitted;DNS:localhost
[leaf]
subjectAltName = DNS:localhost
[v6]
subjectAltName = IP:::1,IP:2001:db8::a,IP:::ffff:10.0.0.1,IP:192.0.2.5
CNF
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
# self-signed NAME CN SECTION
self() { key "$1"; openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 36500 -sha256 -config ext.cnf -extensions "$3" -out "$1.pem" 2>/dev/null; }
# issued NAME CN SECTION ISSUER
issued() {
  key "$1"
  openssl req -new -key "$1.key" -subj "/CN=$2" -config ext.cnf -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$4.pem" -CAkey "$4.key" -CAcreateserial -days 36500 -sha256 -extfile ext.cnf -extensions "$3" -out "$1.pem" 2>/dev/null
}
self root 'fixture root' root
issued server localhost server root
issued client localhost client root
issued anyeku localhost anyeku root
issued nodigsig localhost nodigsig root
issued crit localhost crit root
self nocertsign 'no keyCertSign CA' nocertsign
issued under_nocertsign localhost leaf nocertsign
self notca 'cA false' notca
issued under_notca localhost leaf notca
issued mid 'mid pathlen 0' mid root
issued under_mid localhost leaf mid
issued mid2 'mid under mid' mid2 mid
issued under_mid2 localhost leaf mid2
issued nc 'name constrained' nc root
issued under_nc localhost leaf nc
self v6 v6host v6
emit() { printf '/** %s */\nexport const %s = `%s`;\n\n' "$3" "$1" "$(cat "$2")"; }
cat <<'HEAD'
/**
 * Certificates made by OpenSSL 3 (`make-openssl-fixtures.sh`; P-256,
 * ECDSA-SHA256, valid 36500 days from when they were made). Tests that do not
 * run a handshake set `now` from the certificate's notBefore.
 *
 * @module
 */

HEAD
emit ROOT root.pem 'Root CA: basicConstraints critical cA, keyUsage critical keyCertSign cRLSign.'
emit SERVER server.pem 'Leaf by ROOT: keyUsage critical digitalSignature, EKU serverAuth, SAN DNS:localhost, SKI/AKI, a non-critical private extension.'
emit SERVER_KEY server.key 'Private key of SERVER (PKCS#8).'
emit CLIENT_ONLY client.pem 'Leaf by ROOT: keyUsage digitalSignature, EKU clientAuth only, SAN DNS:localhost.'
emit CLIENT_ONLY_KEY client.key 'Private key of CLIENT_ONLY (PKCS#8).'
emit ANY_EKU anyeku.pem 'Leaf by ROOT: keyUsage digitalSignature (not critical), EKU anyExtendedKeyUsage.'
emit NO_DIGITAL_SIGNATURE nodigsig.pem 'Leaf by ROOT: keyUsage critical keyAgreement only, EKU serverAuth and clientAuth.'
emit CRITICAL_UNKNOWN crit.pem 'Leaf by ROOT with the critical private extension 1.3.6.1.4.1.55555.1.'
emit NO_CERTSIGN_CA nocertsign.pem 'Self-signed CA (cA true) whose keyUsage is digitalSignature only.'
emit UNDER_NO_CERTSIGN under_nocertsign.pem 'Leaf by NO_CERTSIGN_CA.'
emit NOT_CA notca.pem 'Self-signed, basicConstraints cA false, keyUsage keyCertSign.'
emit UNDER_NOT_CA under_notca.pem 'Leaf by NOT_CA.'
emit MID mid.pem 'Intermediate by ROOT: cA true, pathLenConstraint 0, keyUsage keyCertSign.'
emit UNDER_MID under_mid.pem 'Leaf by MID.'
emit MID2 mid2.pem 'Intermediate by MID (beyond its pathLenConstraint 0).'
emit UNDER_MID2 under_mid2.pem 'Leaf by MID2.'
emit NAME_CONSTRAINED nc.pem 'Intermediate by ROOT with critical nameConstraints (not processed here).'
emit UNDER_NAME_CONSTRAINED under_nc.pem 'Leaf by NAME_CONSTRAINED.'
emit V6 v6.pem 'Self-signed, no keyUsage; SAN IP ::1, 2001:db8::a, ::ffff:10.0.0.1 (16 octets) and 192.0.2.5 (4 octets).'
