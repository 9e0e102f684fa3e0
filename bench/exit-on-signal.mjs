// Preloaded into the benchmarked server (node --import): the server itself does not handle
// SIGTERM, and a process killed by a signal never writes its --cpu-prof profile.
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0));
