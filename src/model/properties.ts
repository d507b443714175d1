/**
 * Renders a Java properties file with sorted keys: the same input always gives the same
 * bytes, so an unchanged config never restarts a broker (Strimzi sorts for the same reason).
 */
export function renderProperties(props: Record<string, string>, header: string): string {
  const lines = Object.keys(props)
    .sort()
    .map((k) => `${escape(k, true)}=${escape(props[k], false)}`);
  return `# ${header}\n# Rendered by kafka-platform; changes here are overwritten.\n${lines.join("\n")}\n`;
}

function escape(s: string, isKey: boolean): string {
  let out = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
  if (isKey) out = out.replace(/([=: ])/g, "\\$1");
  else out = out.replace(/^ /, "\\ ");
  return out;
}
