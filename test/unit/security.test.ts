import { describe, expect, it } from "vitest";
import { brokerProperties } from "../../src/model/broker";
import { brokerSecurityProperties, secureListeners } from "../../src/model/security";
import { renderZooCfg, zookeeperConnect } from "../../src/model/zookeeper";

const spec = (clientAuth: "scram" | "mtls") => ({
  name: "kp-s",
  zookeeper: { replicas: 1, heapMb: 128 },
  kafka: { version: "3.9.2", mode: "zookeeper" as const, brokers: 2, heapMb: 384, image: "img", brokerConfig: {}, rollStepTimeoutSeconds: 600, reassignThrottleBytesPerSecond: 10485760 },
  security: { enabled: true, clientAuth, tls: { validityDays: 365, renewBeforeDays: 30, rotation: 0 } },
});

describe("secure broker properties", () => {
  it("has no plaintext listener, mutual TLS between brokers and SCRAM for clients", () => {
    const p = brokerProperties(spec("scram"), 0, secureListeners(spec("scram"), "kp-s-kafka-0", "127.0.0.1:19092"));
    expect(p["listener.security.protocol.map"]).toBe("INTERNAL:SSL,CLIENT:SASL_SSL,EXTERNAL:SASL_SSL");
    expect(p["listener.security.protocol.map"]).not.toMatch(/PLAINTEXT/);
    expect(p["advertised.listeners"]).toBe("INTERNAL://kp-s-kafka-0:9091,CLIENT://kp-s-kafka-0:9093,EXTERNAL://127.0.0.1:19092");
    const s = brokerSecurityProperties(spec("scram"));
    expect(s["listener.name.internal.ssl.client.auth"]).toBe("required");
    expect(s["sasl.enabled.mechanisms"]).toBe("SCRAM-SHA-512");
    expect(s["ssl.enabled.protocols"]).toBe("TLSv1.3,TLSv1.2");
    expect(s["allow.everyone.if.no.acl.found"]).toBe("false");
    expect(s["super.users"]).toBe("User:kp-s-kafka-0;User:kp-s-kafka-1;User:admin");
  });

  it("requires client certificates on the client listeners in mTLS mode, and has no SASL", () => {
    const p = brokerProperties(spec("mtls"), 1, secureListeners(spec("mtls"), "kp-s-kafka-1", "127.0.0.1:19093"));
    expect(p["listener.security.protocol.map"]).toBe("INTERNAL:SSL,CLIENT:SSL,EXTERNAL:SSL");
    const s = brokerSecurityProperties(spec("mtls"));
    expect(s["listener.name.external.ssl.client.auth"]).toBe("required");
    expect(Object.keys(s).filter((k) => k.includes("sasl"))).toEqual([]);
  });

});

describe("secure ZooKeeper", () => {
  const zk = { name: "kp-s", zookeeper: { replicas: 3, heapMb: 128 }, security: spec("scram").security };

  it("has a TLS client port only, mutual TLS, x509 identities and quorum TLS", () => {
    const cfg = renderZooCfg(zk);
    expect(cfg).not.toMatch(/^clientPort=/m);
    for (const line of ["secureClientPort=2182", "ssl.clientAuth=need", "sslQuorum=true",
      "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
      "authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider",
      "server.1=kp-s-zookeeper-0:2888:3888", "ssl.keyStore.type=PEM"]) {
      expect(cfg).toContain(`${line}\n`);
    }
    expect(zookeeperConnect(zk)).toBe("kp-s-zookeeper-0:2182,kp-s-zookeeper-1:2182,kp-s-zookeeper-2:2182");
  });

  it("makes brokers talk TLS to ZooKeeper with a shared identity and set znode ACLs", () => {
    const s = brokerSecurityProperties(spec("scram"));
    expect(s["zookeeper.ssl.client.enable"]).toBe("true");
    expect(s["zookeeper.set.acl"]).toBe("true");
    expect(s["zookeeper.ssl.keystore.location"]).toBe("/etc/kafka/secrets/zookeeper-client.pem");
    const p = brokerProperties(spec("scram"), 0, secureListeners(spec("scram"), "kp-s-kafka-0", "127.0.0.1:1"), s);
    expect(p["zookeeper.connect"]).toBe("kp-s-zookeeper-0:2182");
  });
});
