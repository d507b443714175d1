// Certificates are checked with Node's own X.509 parser (OpenSSL underneath), not with the
// library that made them.
import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCa, issueCert } from "../../src/model/certs";

describe("certificates", () => {
  it("makes a CA and a broker certificate it signed, with every SAN and both usages", async () => {
    const now = new Date("2026-11-25T00:00:00Z");
    const ca = await createCa("kp-dev-ca", 365, now);
    const leaf = await issueCert(ca, {
      commonName: "kp-dev-kafka-0",
      dnsNames: ["kp-dev-kafka-0", "localhost"],
      ipAddresses: ["127.0.0.1"],
      validityDays: 30,
      usages: ["server", "client"],
    }, now);
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(leaf.certPem);
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.subject).toBe("CN=kp-dev-kafka-0");
    expect(cert.subjectAltName).toBe("DNS:kp-dev-kafka-0, DNS:localhost, IP Address:127.0.0.1");
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
    expect(new Date(cert.validTo).toISOString()).toBe(leaf.notAfter.replace(/\.\d+Z$/, ".000Z"));
    expect(new Date(leaf.notAfter).getTime() - now.getTime()).toBe(30 * 86_400_000);
    // The private key is PKCS#8 and belongs to the certificate.
    expect(leaf.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const pub = createPublicKey(createPrivateKey(leaf.keyPem)).export({ format: "pem", type: "spki" });
    expect(pub).toBe(cert.publicKey.export({ format: "pem", type: "spki" }));
  });

  it("never issues past the CA's own expiry", async () => {
    const now = new Date("2026-11-25T00:00:00Z");
    const ca = await createCa("short-ca", 10, now);
    const leaf = await issueCert(ca, { commonName: "x", dnsNames: [], ipAddresses: [], validityDays: 365, usages: ["client"] }, now);
    expect(leaf.notAfter).toBe(ca.notAfter);
  });

  it("makes different keys and serials every time", async () => {
    const a = await createCa("ca", 1);
    const b = await createCa("ca", 1);
    expect(a.keyPem).not.toBe(b.keyPem);
    expect(new X509Certificate(a.certPem).serialNumber).not.toBe(new X509Certificate(b.certPem).serialNumber);
  });
});
