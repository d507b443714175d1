// X.509 material for TLS, made in-process with WebCrypto (no openssl, no keytool): a cluster
// CA and leaf certificates with the SANs of every name a peer may dial. ECDSA P-256 keys, PEM
// output (Kafka 3.x reads PEM key and trust stores directly).
import { webcrypto } from "crypto"; // not "node:crypto": Pulumi's closure serializer (dynamic providers) cannot map it
import type * as X509 from "@peculiar/x509";

/**
 * The X.509 library, loaded on first use. Lazily, because this code also runs inside the
 * dynamic provider's process, where only what a function requires at run time exists:
 * @peculiar/x509 needs the reflect-metadata polyfill loaded first and a WebCrypto provider.
 */
function lib(): typeof X509 {
  require("reflect-metadata");
  const x509 = require("@peculiar/x509") as typeof X509;
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
}

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 86_400_000;

export interface KeyPairPem {
  certPem: string;
  keyPem: string;
  /** ISO-8601 expiry of the certificate. */
  notAfter: string;
}

export interface LeafRequest {
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  validityDays: number;
  /** serverAuth for listeners, clientAuth for mTLS clients (brokers are both). */
  usages: ("server" | "client")[];
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function serial(): string {
  // Positive, 16 random bytes: unique per certificate, as RFC 5280 asks.
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] &= 0x7f;
  return Buffer.from(b).toString("hex");
}

async function keyPair(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

async function exportKey(k: webcrypto.CryptoKey): Promise<string> {
  return pem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", k));
}

export async function createCa(commonName: string, validityDays: number, now = new Date()): Promise<KeyPairPem> {
  const x509 = lib();
  const keys = await keyPair();
  const notAfter = new Date(now.getTime() + validityDays * DAY);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(now.getTime() - 5 * 60_000), // clock skew between containers
    notAfter,
    keys,
    signingAlgorithm: ALG,
    extensions: [
      // Path length 1: room for the next CA's cross-signed certificate during a rotation.
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem") + "\n", keyPem: await exportKey(keys.privateKey), notAfter: notAfter.toISOString() };
}

export async function issueCert(ca: Pick<KeyPairPem, "certPem" | "keyPem">, req: LeafRequest, now = new Date()): Promise<KeyPairPem> {
  const x509 = lib();
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey(
    "pkcs8", Buffer.from(ca.keyPem.replace(/-----[^-]+-----|\s/g, ""), "base64"), ALG, false, ["sign"],
  );
  const keys = await keyPair();
  const notAfter = new Date(Math.min(now.getTime() + req.validityDays * DAY, caCert.notAfter.getTime()));
  const ext: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
    new x509.ExtendedKeyUsageExtension(req.usages.map((u) => (u === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth))),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  const names = [...req.dnsNames.map((value) => ({ type: "dns" as const, value })), ...req.ipAddresses.map((value) => ({ type: "ip" as const, value }))];
  if (names.length > 0) ext.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${req.commonName}`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter,
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: ext,
  });
  return { certPem: cert.toString("pem") + "\n", keyPem: await exportKey(keys.privateKey), notAfter: notAfter.toISOString() };
}

/**
 * The new CA's certificate signed by the old CA: the same subject and key as `next`, so a leaf
 * issued by `next` that presents it as its chain verifies against either CA. During a rotation
 * this lets peers and clients that still trust only the old CA keep connecting to nodes that
 * already serve new certificates. Valid no longer than the old CA.
 */
export async function crossSign(next: Pick<KeyPairPem, "certPem">, prev: Pick<KeyPairPem, "certPem" | "keyPem">): Promise<string> {
  const x509 = lib();
  const nextCert = new x509.X509Certificate(next.certPem);
  const prevCert = new x509.X509Certificate(prev.certPem);
  // CAs made before path length 1 may not sign another CA: no bridge, peers rely on the trust bundle.
  if (prevCert.getExtension(x509.BasicConstraintsExtension)?.pathLength === 0) return "";
  const prevKey = await webcrypto.subtle.importKey(
    "pkcs8", Buffer.from(prev.keyPem.replace(/-----[^-]+-----|\s/g, ""), "base64"), ALG, false, ["sign"],
  );
  const publicKey = await nextCert.publicKey.export(ALG, ["verify"]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: nextCert.subject,
    issuer: prevCert.subject,
    notBefore: nextCert.notBefore,
    notAfter: new Date(Math.min(nextCert.notAfter.getTime(), prevCert.notAfter.getTime())),
    signingKey: prevKey,
    publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(prevCert, false),
    ],
  });
  return cert.toString("pem") + "\n";
}
