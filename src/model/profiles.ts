// Ready-to-paste client settings for one identity of a secure stack. Pure.
import { SCRAM } from "./security";

export interface Profile {
  /** `new Kafka(<this>)` */
  kafkajs: {
    brokers: string[];
    ssl: { ca: string[]; cert?: string; key?: string };
    sasl?: { mechanism: "scram-sha-512"; username: string; password: string };
  };
  /** Java client.properties (PEM inline, Kafka 2.7+). */
  clientProperties: string;
  /** kcat / librdkafka -X arguments (PEM inline). */
  kcat: string[];
}

const oneLine = (pem: string) => pem.trim().replace(/\n/g, "\\n");

export function mtlsProfile(bootstrapServers: string, ca: string, certificate: string, privateKey: string): Profile {
  return {
    kafkajs: { brokers: bootstrapServers.split(","), ssl: { ca: [ca], cert: certificate, key: privateKey } },
    clientProperties: [
      `bootstrap.servers=${bootstrapServers}`,
      "security.protocol=SSL",
      "ssl.truststore.type=PEM",
      `ssl.truststore.certificates=${oneLine(ca)}`,
      "ssl.keystore.type=PEM",
      `ssl.keystore.certificate.chain=${oneLine(certificate)}`,
      `ssl.keystore.key=${oneLine(privateKey)}`,
      "",
    ].join("\n"),
    kcat: [
      "-b", bootstrapServers,
      "-X", "security.protocol=ssl",
      "-X", `ssl.ca.pem=${ca.trim()}`,
      "-X", `ssl.certificate.pem=${certificate.trim()}`,
      "-X", `ssl.key.pem=${privateKey.trim()}`,
    ],
  };
}

export function scramProfile(bootstrapServers: string, ca: string, username: string, password: string): Profile {
  return {
    kafkajs: { brokers: bootstrapServers.split(","), ssl: { ca: [ca] }, sasl: { mechanism: "scram-sha-512", username, password } },
    clientProperties: [
      `bootstrap.servers=${bootstrapServers}`,
      "security.protocol=SASL_SSL",
      `sasl.mechanism=${SCRAM.mechanism}`,
      `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`,
      "ssl.truststore.type=PEM",
      `ssl.truststore.certificates=${oneLine(ca)}`,
      "",
    ].join("\n"),
    kcat: [
      "-b", bootstrapServers,
      "-X", "security.protocol=sasl_ssl",
      "-X", `sasl.mechanisms=${SCRAM.mechanism}`,
      "-X", `sasl.username=${username}`,
      "-X", `sasl.password=${password}`,
      "-X", `ssl.ca.pem=${ca.trim()}`,
    ],
  };
}
