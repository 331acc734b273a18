using OrleansChat.Bench.Cli;

return await BenchCommand.RunAsync(args);
