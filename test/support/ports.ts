// Host ports of the e2e tests: each file owns a block of 1000 that no other file's block overlaps,
// below the kernel's ephemeral range (32768+, where a client socket could already hold a port) and
// away from the committed stacks (dev 19092+, dev-secure 29092+). Within its block a file takes a
// slot of 10 by process id, so two runs at once (two clones) rarely meet.
const BLOCKS = {
  "docker-cluster": 20_000,
  "docker-interrupted": 21_000,
  "docker-rotation": 22_000,
  "docker-secure": 23_000,
  "docker-guards": 24_000,
  "toolchain": 25_000,
  "docker-sites-secure": 26_000,
  "docker-monitoring": 27_000,
  "docker-sites": 28_000,
  "docker-failures": 30_000,
  "docker-scaling": 31_000,
} as const;

export function portBlock(file: keyof typeof BLOCKS): number {
  return BLOCKS[file] + (process.pid % 100) * 10;
}
