// Ready-to-paste client settings for one identity of a secure stack. Pure.

export interface Profile {
  /** `new Kafka(<this>)` */
  kafkajs: { brokers: string[]; ssl: { ca: string[]; cert?: string; key?: string } };
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
