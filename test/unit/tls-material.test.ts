// The TLS dynamic provider's decisions: issue once, keep across ups, re-issue only what
// changed or is due, everything on rotation.
import { X509Certificate } from "node:crypto";
import * as tls from "node:tls";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { plan, tlsProvider, type TlsInputs, type TlsOutputs } from "../../src/components/tls-material";

const inputs = (over: Partial<TlsInputs> = {}): TlsInputs => ({
  caCommonName: "kp-t-ca",
  validityDays: 365,
  renewBeforeDays: 30,
  rotation: 0,
  leaves: [
    { id: "kafka-0", commonName: "kp-t-kafka-0", dnsNames: ["kp-t-kafka-0"], ipAddresses: ["127.0.0.1"], validityDays: 365, usages: ["server", "client"] },
    { id: "admin", commonName: "admin", dnsNames: [], ipAddresses: [], validityDays: 365, usages: ["client"] },
  ],
  ...over,
});

describe("TlsMaterial provider", () => {
  it("creates a CA and every leaf, signed by that CA", async () => {
    const { outs } = await tlsProvider.create(inputs());
    const o = outs as TlsOutputs;
    const ca = new X509Certificate(o.ca.certPem);
    expect(Object.keys(o.certs).sort()).toEqual(["admin", "kafka-0"]);
    for (const c of Object.values(o.certs)) expect(new X509Certificate(c.certPem).checkIssued(ca)).toBe(true);
  });

  it("changes nothing on an unchanged up", async () => {
    const o = (await tlsProvider.create(inputs())).outs as TlsOutputs;
    expect((await tlsProvider.diff!("id", o, inputs())).changes).toBe(false);
  });

  it("re-issues only the leaf whose names changed, under the same CA", async () => {
    const o = (await tlsProvider.create(inputs())).outs as TlsOutputs;
    const next = inputs();
    next.leaves[0] = { ...next.leaves[0], dnsNames: ["kp-t-kafka-0", "broker.example"] };
    expect(plan(o, next)).toEqual({ replaceCa: false, reissue: ["kafka-0"] });
    const u = (await tlsProvider.update!("id", o, next)).outs as TlsOutputs;
    expect(u.ca).toEqual(o.ca);
    expect(u.certs.admin).toEqual(o.certs.admin);
    expect(u.certs["kafka-0"].certPem).not.toBe(o.certs["kafka-0"].certPem);
    expect(new X509Certificate(u.certs["kafka-0"].certPem).subjectAltName).toBe("DNS:kp-t-kafka-0, DNS:broker.example, IP Address:127.0.0.1");
  });

  it("renews a certificate that entered its renewal window", async () => {
    const o = (await tlsProvider.create(inputs())).outs as TlsOutputs;
    const in340days = Date.now() + 340 * 86_400_000;
    expect(plan(o, inputs(), in340days)).toEqual({ replaceCa: true, reissue: ["kafka-0", "admin"] });
    expect(plan(o, inputs(), Date.now() + 300 * 86_400_000)).toEqual({ replaceCa: false, reissue: [] });
  });

  it("re-issues everything, CA included, when rotation is bumped, and trusts old and new CA meanwhile", async () => {
    const o = (await tlsProvider.create(inputs())).outs as TlsOutputs;
    expect(o.trust).toEqual([o.ca.certPem]);
    expect(plan(o, inputs({ rotation: 1 }))).toEqual({ replaceCa: true, reissue: ["kafka-0", "admin"] });
    const r = (await tlsProvider.update!("id", o, inputs({ rotation: 1 }))).outs as TlsOutputs;
    expect(r.ca.certPem).not.toBe(o.ca.certPem);
    expect(r.trust).toEqual([r.ca.certPem, o.ca.certPem]);
    // The next unchanged up keeps both until the old CA is rotated out by the next rotation.
    const again = (await tlsProvider.update!("id", r, inputs({ rotation: 1 }))).outs as TlsOutputs;
    expect(again.trust).toEqual(r.trust);
  });

  it("bridges old and new CA with a cross-signed certificate, so old-CA peers accept new leaves", async () => {
    const o = (await tlsProvider.create(inputs())).outs as TlsOutputs;
    expect(o.chain).toBe("");
    const r = (await tlsProvider.update!("id", o, inputs({ rotation: 1 }))).outs as TlsOutputs;
    const [oldCa, newCa, cross] = [o.ca.certPem, r.ca.certPem, r.chain].map((p) => new X509Certificate(p));
    expect(oldCa.subject).toBe("CN=kp-t-ca");
    expect(newCa.subject).toBe("CN=kp-t-ca-2"); // never the same subject as the CA it replaces
    expect(r.caGeneration).toBe(2);
    expect(cross.subject).toBe(newCa.subject);
    expect(cross.publicKey.export({ format: "jwk" })).toEqual(newCa.publicKey.export({ format: "jwk" }));
    expect(cross.checkIssued(oldCa) && cross.verify(oldCa.publicKey)).toBe(true);
    expect(new Date(cross.validTo).getTime()).toBeLessThanOrEqual(new Date(oldCa.validTo).getTime());
    // The next rotation bridges from the second CA to the third.
    const r2 = (await tlsProvider.update!("id", r, inputs({ rotation: 2 }))).outs as TlsOutputs;
    expect(new X509Certificate(r2.ca.certPem).subject).toBe("CN=kp-t-ca-3");
    expect(new X509Certificate(r2.chain).checkIssued(newCa)).toBe(true);
    expect(r2.trust).toEqual([r2.ca.certPem, r.ca.certPem]);
  });

  it("serves a new leaf with its chain to TLS clients trusting the old CA only, the new CA only, or both", async () => {
    const o = (await tlsProvider.create(inputs())).outs as TlsOutputs;
    const r = (await tlsProvider.update!("id", o, inputs({ rotation: 1 }))).outs as TlsOutputs;
    const stranger = (await tlsProvider.create(inputs({ caCommonName: "other-ca" }))).outs as TlsOutputs;
    const server = tls.createServer({ key: r.certs["kafka-0"].keyPem, cert: r.certs["kafka-0"].certPem + r.chain }, (s) => s.end("ok"));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const port = (server.address() as AddressInfo).port;
    const handshake = (ca: string[]) => new Promise<string>((resolve) => {
      const c = tls.connect({ host: "127.0.0.1", port, ca, servername: "kp-t-kafka-0" }, () => { resolve("ok"); c.end(); });
      c.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    try {
      expect(await handshake([o.ca.certPem])).toBe("ok");
      expect(await handshake([r.ca.certPem])).toBe("ok");
      expect(await handshake(r.trust)).toBe("ok");
      expect(await handshake([stranger.ca.certPem])).toMatch(/UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);
    } finally {
      server.close();
    }
  });
});
