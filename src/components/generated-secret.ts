// A random secret made once and kept in state (encrypted): passwords nobody has to choose.
// A dynamic provider, so nothing beyond Node's crypto is needed and `up` never regenerates it.
import * as pulumi from "@pulumi/pulumi";

export const generatedSecretProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { length: number }) {
    // Letters and digits only: safe inside JAAS strings, properties files and shell args.
    const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    const limit = 256 - (256 % alphabet.length); // bytes at or above it would bias the draw
    let value = "";
    while (value.length < inputs.length) {
      for (const b of require("crypto").randomBytes(inputs.length) as Buffer) {
        if (b < limit && value.length < inputs.length) value += alphabet[b % alphabet.length];
      }
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
