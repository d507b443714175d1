// The error kinds the cluster client reports, from the shapes kafkajs and Node throw (name, the
// broker's error type, Node's code, nested causes) — each kind and its one-line message.
import { describe, expect, it } from "vitest";
import { ClusterError, toClusterError } from "../../src/clients/errors";

const protocol = (type: string, retriable = false) => Object.assign(new Error(`broker said ${type}`), { name: "KafkaJSProtocolError", type, retriable });
const connection = (code: string, message = "Connection error") => Object.assign(new Error(message), { name: "KafkaJSConnectionError", code, broker: "127.0.0.1:19092" });
/** How kafkajs wraps a request that failed on every retry. */
const retried = (cause: Error) => Object.assign(new Error(cause.message), { name: "KafkaJSNumberOfRetriesExceeded", cause, retriable: false });

describe("toClusterError", () => {
  const cases: [string, unknown, object, string][] = [
    ["a topic ACL refusal, wrapped in retries", retried(protocol("TOPIC_AUTHORIZATION_FAILED")), { action: "read", topic: "orders", principal: "my-consumer" },
      "authorization|TOPIC_AUTHORIZATION_FAILED|false|not authorized to read topic 'orders' as 'my-consumer'"],
    ["a group ACL refusal", protocol("GROUP_AUTHORIZATION_FAILED"), { action: "read", topic: "orders", group: "g1", principal: "app" },
      "authorization|GROUP_AUTHORIZATION_FAILED|false|not authorized to read group 'g1' as 'app'"],
    ["a SASL failure", Object.assign(new Error("SASL SCRAM SHA512 authentication failed"), { name: "KafkaJSSASLAuthenticationError" }), { principal: "app" },
      "authentication|SASL_AUTHENTICATION_FAILED|false|authentication failed as 'app': SASL SCRAM SHA512 authentication failed"],
    ["too few in-sync replicas", protocol("NOT_ENOUGH_REPLICAS", true), { action: "write to", topic: "orders" },
      "not-enough-replicas|NOT_ENOUGH_REPLICAS|true|topic 'orders' has fewer in-sync replicas than its min.insync.replicas: writes with acks=all are refused (NOT_ENOUGH_REPLICAS)"],
    ["an unknown topic", protocol("UNKNOWN_TOPIC_OR_PARTITION", true), { action: "describe", topic: "nope" },
      "unknown-topic|UNKNOWN_TOPIC_OR_PARTITION|true|topic 'nope' does not exist (UNKNOWN_TOPIC_OR_PARTITION)"],
    ["an untrusted broker certificate", connection("SELF_SIGNED_CERT_IN_CHAIN", "Connection error: self-signed certificate in certificate chain"), {},
      "tls|SELF_SIGNED_CERT_IN_CHAIN|false|TLS with the broker at 127.0.0.1:19092 failed: self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)"],
    ["a client certificate the broker refuses", connection("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"), { principal: "anonymous" },
      "authentication|ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|false|the broker at 127.0.0.1:19092 refused the client's certificate as 'anonymous' (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)"],
    ["nothing listening", retried(connection("ECONNREFUSED")), { principal: "admin" },
      "unreachable|ECONNREFUSED|true|cannot reach the cluster as 'admin': nothing answers at 127.0.0.1:19092 (ECONNREFUSED)"],
    ["a request timeout", Object.assign(new Error("Request Produce(key: 0, version: 7) timed out"), { name: "KafkaJSRequestTimeoutError", broker: "b:1" }), { action: "write to", topic: "t" },
      "timeout|KafkaJSRequestTimeoutError|true|timed out trying to write to topic 't' at b:1: Request Produce(key: 0, version: 7) timed out"],
    ["a plaintext client hung up on by a TLS listener", Object.assign(new Error("Closed connection"), { name: "KafkaJSConnectionClosedError", broker: "b:1" }), { transport: { tls: false, sasl: false } },
      "tls|CONNECTION_CLOSED|false|the broker at b:1 closed the connection: it expects TLS, and this client connects without it"],
    ["a TLS client without credentials hung up on by a SASL listener", Object.assign(new Error("Closed connection"), { name: "KafkaJSConnectionClosedError", broker: "b:1" }), { transport: { tls: true, sasl: false } },
      "authentication|CONNECTION_CLOSED|false|the broker at b:1 closed the connection: it expects SASL authentication, and this client sends no credentials"],
    ["anything else", protocol("POLICY_VIOLATION"), { action: "create", topic: "t" }, "other|POLICY_VIOLATION|false|could not create topic 't': broker said POLICY_VIOLATION"],
  ];
  it.each(cases)("maps %s", (_what, raw, ctx, want) => {
    const e = toClusterError(raw, ctx);
    expect(e).toBeInstanceOf(ClusterError);
    expect([e.kind, e.code, e.retriable, e.message].join("|")).toBe(want);
  });

  it("passes a ClusterError through unchanged", () => {
    const e = new ClusterError("timeout", "x", false);
    expect(toClusterError(e)).toBe(e);
  });
});
