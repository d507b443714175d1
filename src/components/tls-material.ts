// A cluster CA and the leaf certificates of its nodes and clients, made once and kept in
// state as secrets: `up` does not re-issue them unless a leaf's names change, a certificate
// enters its renewal window, or `rotation` is bumped. A dynamic provider, so the keys never
// leave the Pulumi engine and state (no files, no extra binary).
import * as pulumi from "@pulumi/pulumi";
import { createCa, crossSign, issueCert, type KeyPairPem, type LeafRequest } from "../model/certs";

export interface LeafSpec extends LeafRequest {
  /** Key of the leaf in the outputs: "kafka-0", "admin", ... */
  id: string;
}

export interface TlsInputs {
  caCommonName: string;
  validityDays: number;
  renewBeforeDays: number;
  rotation: number;
  leaves: LeafSpec[];
}

export interface TlsOutputs extends TlsInputs {
  ca: KeyPairPem;
  certs: Record<string, KeyPairPem>;
  /**
   * CA certificates peers must trust: the current CA and, after a rotation, the previous one
   * until it expires, so nodes still holding old certificates keep talking during a roll.
   */
  trust: string[];
  /** 1 for the first CA, +1 per replacement; part of the CA's name so old and new never share a subject. */
  caGeneration: number;
  /**
   * After a CA rotation: the new CA cross-signed by the previous one (PEM), sent by nodes after
   * their own certificate so peers that still trust only the previous CA accept them. "" otherwise.
   */
  chain: string;
}

const DAY = 86_400_000;
const due = (notAfter: string, renewBeforeDays: number, now: number) => new Date(notAfter).getTime() - now <= renewBeforeDays * DAY;
const sameLeaf = (a: LeafSpec, b: LeafSpec) => JSON.stringify(a) === JSON.stringify(b);

/** What a change of inputs (or the clock) asks for. Exported for unit tests. */
export function plan(olds: TlsOutputs, news: TlsInputs, now = Date.now()): { replaceCa: boolean; reissue: string[] } {
  const replaceCa = olds.caCommonName !== news.caCommonName || olds.rotation !== news.rotation ||
    olds.validityDays !== news.validityDays || due(olds.ca.notAfter, news.renewBeforeDays, now);
  const reissue = news.leaves
    .filter((l) => {
      const old = olds.leaves.find((o) => o.id === l.id);
      const cert = olds.certs[l.id];
      return replaceCa || !old || !cert || !sameLeaf(old, l) || due(cert.notAfter, news.renewBeforeDays, now);
    })
    .map((l) => l.id);
  return { replaceCa, reissue };
}

async function issue(inputs: TlsInputs, prior?: TlsOutputs): Promise<TlsOutputs> {
  const p = prior ? plan(prior, inputs) : { replaceCa: true, reissue: inputs.leaves.map((l) => l.id) };
  const keepCa = prior && !p.replaceCa;
  const generation = prior ? prior.caGeneration ?? 1 : 0; // state from before the field: its CA was the first
  const caGeneration = keepCa ? generation : generation + 1;
  const ca = keepCa ? prior.ca : await createCa(caGeneration === 1 ? inputs.caCommonName : `${inputs.caCommonName}-${caGeneration}`, inputs.validityDays);
  const certs: Record<string, KeyPairPem> = {};
  for (const l of inputs.leaves) {
    certs[l.id] = p.reissue.includes(l.id) ? await issueCert(ca, l) : prior!.certs[l.id];
  }
  if (keepCa) return { ...inputs, ca, certs, trust: prior.trust, caGeneration, chain: prior.chain ?? "" };
  // A new CA: trust it and, until it expires, the previous one; bridge the two with a cross-signature.
  const previousValid = prior && new Date(prior.ca.notAfter).getTime() > Date.now();
  return {
    ...inputs, ca, certs, caGeneration,
    trust: previousValid ? [ca.certPem, prior.ca.certPem] : [ca.certPem],
    chain: previousValid ? await crossSign(ca, prior.ca) : "",
  };
}

export const tlsProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: TlsInputs) {
    return { id: `tls-${inputs.caCommonName}`, outs: await issue(inputs) };
  },
  async diff(_id: string, olds: TlsOutputs, news: TlsInputs) {
    const p = plan(olds, news);
    const leavesChanged = JSON.stringify(olds.leaves.map((l) => l.id)) !== JSON.stringify(news.leaves.map((l) => l.id));
    return { changes: p.replaceCa || p.reissue.length > 0 || leavesChanged || olds.renewBeforeDays !== news.renewBeforeDays };
  },
  async update(_id: string, olds: TlsOutputs, news: TlsInputs) {
    return { outs: await issue(news, olds) };
  },
};

export class TlsMaterial extends pulumi.dynamic.Resource {
  declare readonly ca: pulumi.Output<KeyPairPem>;
  declare readonly certs: pulumi.Output<Record<string, KeyPairPem>>;
  declare readonly trust: pulumi.Output<string[]>;
  declare readonly chain: pulumi.Output<string>;

  constructor(name: string, args: { [K in keyof TlsInputs]: pulumi.Input<TlsInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(tlsProvider, name, { ...args, ca: undefined, certs: undefined, trust: undefined, caGeneration: undefined, chain: undefined }, {
      ...opts,
      // Private keys live in these two outputs: encrypted in state, masked in output.
      additionalSecretOutputs: ["ca", "certs"],
    });
  }
}
