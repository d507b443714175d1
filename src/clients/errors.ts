// Typed failures of the cluster client: what went wrong (`kind`), whether trying again can help
// (`retriable`), and the broker's own error name when there is one (`code`). Mapped from the
// broker's error codes and from Node's socket/TLS error codes — never from log text — so tools,
// gates and tests can branch on the kind and print one line that names the cause.

export type ErrorKind =
  | "authentication" // who you are was refused: SASL failure, a client certificate the broker rejects
  | "authorization" // who you are is known, what you asked is not granted (ACLs)
  | "tls" // the broker's certificate is not trusted, or TLS is spoken on one side only
  | "not-enough-replicas" // acks=all refused: fewer in-sync replicas than min.insync.replicas
  | "unknown-topic"
  | "timeout" // a request or a bounded wait ran out of time
  | "unreachable" // nothing answers at the address (refused, unresolvable, no route)
  | "other"; // any other broker or client error; `code` says which

/** What was being done, for the message: "read topic 'x' as 'my-consumer'". */
export interface ErrorContext {
  action?: string;
  topic?: string;
  group?: string;
  principal?: string;
  /** How the client connects, for failures the broker only answers by closing the socket. */
  transport?: { tls: boolean; sasl: boolean };
}

export class ClusterError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly retriable: boolean,
    /** The broker's error name (TOPIC_AUTHORIZATION_FAILED) or Node's code (ECONNREFUSED). */
    readonly code?: string,
  ) {
    super(message);
    // Set again: in the roll's gate this class runs from Pulumi's closure serializer, which turns
    // `super(message)` into `Error.call(this, message)` — and that sets nothing on `this`.
    this.message = message;
    this.name = "ClusterError";
  }
}

/** What kafkajs (or Node) throws: the fields the mapping reads. */
interface Raw {
  name?: string;
  message?: string;
  type?: string;
  code?: string | number;
  retriable?: boolean;
  broker?: string;
  cause?: Raw;
  originalError?: Raw;
  errors?: Raw[];
}

// Arrays, not Sets: the closure serializer (see ClusterError) turns a captured Set into a plain object.
const TLS_CODES: readonly string[] = [
  "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED", "CERT_SIGNATURE_FAILURE", "ERR_TLS_CERT_ALTNAME_INVALID", "EPROTO",
];
/** Alerts the broker sends about the client's certificate: the client's identity was refused. */
const CLIENT_CERT_ALERTS = /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE)$/;
const UNREACHABLE_CODES: readonly string[] = ["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EPIPE"];

/** Every error in the chain, outermost first: kafkajs wraps retries, aggregates and causes. */
function chain(e: Raw | undefined, seen = new Set<Raw>()): Raw[] {
  if (!e || typeof e !== "object" || seen.has(e)) return [];
  seen.add(e);
  return [e, ...chain(e.cause, seen), ...chain(e.originalError, seen), ...(e.errors ?? []).flatMap((x) => chain(x, seen))];
}

const as = (c: ErrorContext) => (c.principal ? ` as '${c.principal}'` : "");
const what = (c: ErrorContext) =>
  c.topic ? `topic '${c.topic}'` : c.group ? `group '${c.group}'` : "the cluster";

/** The broker's error name → kind, message and retriable (the broker's own flag when given). */
function fromBrokerCode(type: string, retriable: boolean | undefined, c: ErrorContext): ClusterError | undefined {
  if (type.endsWith("_AUTHORIZATION_FAILED")) {
    const on = type === "GROUP_AUTHORIZATION_FAILED" ? `group '${c.group ?? "?"}'`
      : type === "TOPIC_AUTHORIZATION_FAILED" ? (c.topic ? `topic '${c.topic}'` : "the topic")
      : type === "CLUSTER_AUTHORIZATION_FAILED" ? "the cluster" : type.replace(/_AUTHORIZATION_FAILED$/, "").toLowerCase().replace(/_/g, " ");
    return new ClusterError("authorization", `not authorized to ${c.action ?? "use"} ${on}${as(c)}`, false, type);
  }
  if (type === "SASL_AUTHENTICATION_FAILED" || type === "ILLEGAL_SASL_STATE" || type === "UNSUPPORTED_SASL_MECHANISM") {
    return new ClusterError("authentication", `authentication failed${as(c)} (${type})`, false, type);
  }
  if (type === "NOT_ENOUGH_REPLICAS" || type === "NOT_ENOUGH_REPLICAS_AFTER_APPEND") {
    return new ClusterError("not-enough-replicas",
      `${what(c)} has fewer in-sync replicas than its min.insync.replicas: writes with acks=all are refused (${type})`, true, type);
  }
  if (type === "UNKNOWN_TOPIC_OR_PARTITION" || type === "UNKNOWN_TOPIC_ID") {
    return new ClusterError("unknown-topic", `${c.topic ? `topic '${c.topic}'` : "the topic"} does not exist (${type})`, retriable ?? true, type);
  }
  if (type === "REQUEST_TIMED_OUT") {
    return new ClusterError("timeout", `the broker timed out ${c.action ? `trying to ${c.action} ${what(c)}` : "a request"} (${type})`, true, type);
  }
  return undefined;
}

/** Maps anything a client operation threw to a ClusterError; a ClusterError passes through. */
export function toClusterError(err: unknown, c: ErrorContext = {}): ClusterError {
  if (err instanceof ClusterError) return err;
  const errors = chain(err as Raw);
  // The broker's answer is the most precise: look for it anywhere in the chain.
  for (const e of errors) {
    const mapped = e.type ? fromBrokerCode(e.type, e.retriable, c) : undefined;
    if (mapped) return mapped;
  }
  const top = errors[0] ?? { message: String(err) };
  const doing = c.action ? `${c.action} ${what(c)}${as(c)}` : `reach the cluster${as(c)}`;
  for (const e of errors) {
    const code = typeof e.code === "string" ? e.code : undefined;
    const at = e.broker ? ` at ${e.broker}` : "";
    if (e.name === "KafkaJSSASLAuthenticationError") {
      return new ClusterError("authentication", `authentication failed${as(c)}: ${e.message}`, false, "SASL_AUTHENTICATION_FAILED");
    }
    if (code && CLIENT_CERT_ALERTS.test(code)) {
      return new ClusterError("authentication", `the broker${at} refused the client's certificate${as(c)} (${code})`, false, code);
    }
    if (code && (TLS_CODES.includes(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_"))) {
      return new ClusterError("tls", `TLS with the broker${at} failed: ${e.message?.replace(/^Connection error: /, "")} (${code})`, false, code);
    }
    if (code && UNREACHABLE_CODES.includes(code)) {
      return new ClusterError("unreachable", `cannot ${doing}: nothing answers${at} (${code})`, true, code);
    }
    if (e.name === "KafkaJSConnectionClosedError" || e.message === "Connection closed by the server") {
      // The broker said nothing, it hung up: on a TLS or SASL listener that is the answer to a
      // client speaking the wrong protocol. Inferred from how this client connects.
      const t = c.transport;
      if (t && !t.tls) return new ClusterError("tls", `the broker${at} closed the connection: it expects TLS, and this client connects without it`, false, "CONNECTION_CLOSED");
      if (t && !t.sasl) return new ClusterError("authentication", `the broker${at} closed the connection: it expects SASL authentication, and this client sends no credentials`, false, "CONNECTION_CLOSED");
      return new ClusterError("unreachable", `the broker${at} closed the connection while trying to ${doing}`, true, "CONNECTION_CLOSED");
    }
    if (e.name === "KafkaJSRequestTimeoutError" || e.message === "Connection timeout" || e.name === "KafkaJSTimeout") {
      return new ClusterError("timeout", `timed out trying to ${doing}${at}: ${e.message}`, true, e.name);
    }
  }
  const kafkajsRetriable = (top as Raw).retriable;
  return new ClusterError("other", `could not ${doing}: ${top.message ?? String(err)}`, kafkajsRetriable ?? false, top.type ?? top.name);
}
