using OrleansChat.Bench.Cli;

// The bench's sockets complete on the runtime's socket event threads instead of being handed to
// the thread pool first. The runtime reads this variable once, when the process makes its first
// socket (SocketAsyncEngine.InlineSocketCompletionsEnabled in dotnet/runtime's
// SocketAsyncEngine.Unix.cs), so it is set before anything else runs. Every receive then takes
// its timestamp without waiting for a pool thread to wake up: the load generator's own dispatch
// stays out of the latencies it measures, for the system and the baseline alike, and it uses
// less of the two cores it shares with them (docs/decisions/0017-bench-inline-socket-completions.md).
// Only this process is affected; the servers keep the runtime's default.
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

return await BenchCommand.RunAsync(args);
