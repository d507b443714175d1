// The one place that constructs kafkajs clients: our defaults (bounded retries and timeouts,
// quiet logs), so the rest of the code depends on this small surface, not on kafkajs' own.
import { Kafka, logLevel, type KafkaConfig } from "kafkajs";

/** TLS client identity: the CA bundle to trust and, for mTLS, a certificate and key. */
export interface TlsIdentity {
  ca: string;
  certificate?: string;
  privateKey?: string;
  /** SCRAM-SHA-512 credentials, on a SASL_SSL listener. */
  scram?: { username: string; password: string };
}

export interface ClientOptions {
  bootstrapServers: string[];
  tls?: TlsIdentity;
  clientId?: string;
  /** Per-connection bound; kafkajs' default of 1 s is too tight for a busy 2-core machine. */
  connectionTimeoutMs?: number;
  /** Retries per request; 0 for probes that expect a refusal and should not wait for it. */
  retries?: number;
  verbose?: boolean;
  /** Receives kafkajs' debug log: some broker answers (a refused group) surface only there. */
  logCreator?: KafkaConfig["logCreator"];
}

export function kafkaClient(opts: ClientOptions): Kafka {
  const config: KafkaConfig = {
    brokers: opts.bootstrapServers,
    clientId: opts.clientId ?? "kafka-platform",
    connectionTimeout: opts.connectionTimeoutMs ?? 5_000,
    requestTimeout: 30_000,
    retry: { retries: opts.retries ?? 5, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: opts.logCreator ? logLevel.DEBUG : opts.verbose ? logLevel.INFO : logLevel.NOTHING,
    ...(opts.logCreator ? { logCreator: opts.logCreator } : {}),
    ...(opts.tls ? { ssl: { ca: [opts.tls.ca], cert: opts.tls.certificate, key: opts.tls.privateKey } } : {}),
    ...(opts.tls?.scram ? { sasl: { mechanism: "scram-sha-512" as const, ...opts.tls.scram } } : {}),
  };
  return new Kafka(config);
}

/** A client of a deployed stack: its bootstrap servers and, on a secure stack, the admin identity. */
export function stackClient(outputs: { bootstrapServers: string }, tls: TlsIdentity | undefined, clientId?: string): Kafka {
  return kafkaClient({ bootstrapServers: outputs.bootstrapServers.split(","), tls, clientId });
}
