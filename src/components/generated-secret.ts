// A random secret made once and kept in state (encrypted): passwords nobody has to choose.
// A dynamic provider, so nothing beyond Node's crypto is needed and `up` never regenerates it.
import * as pulumi from "@pulumi/pulumi";

export const generatedSecretProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { length: number }) {
    // Letters and digits only: safe inside JAAS strings, properties files and shell args.
    const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    const bytes = require("crypto").randomBytes(inputs.length * 2) as Buffer;
    let value = "";
    for (const b of bytes) {
      if (b < 256 - (256 % alphabet.length)) value += alphabet[b % alphabet.length]; // no modulo bias
      if (value.length === inputs.length) break;
    }
    return { id: `secret-${Date.now()}`, outs: { length: inputs.length, value } };
  },
  async diff(_id: string, olds: { length: number }, news: { length: number }) {
    return { changes: olds.length !== news.length, replaces: olds.length !== news.length ? ["length"] : [] };
  },
};

export class GeneratedSecret extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<string>;

  constructor(name: string, length = 32, opts?: pulumi.CustomResourceOptions) {
    super(generatedSecretProvider, name, { length, value: undefined }, { ...opts, additionalSecretOutputs: ["value"] });
  }
}
