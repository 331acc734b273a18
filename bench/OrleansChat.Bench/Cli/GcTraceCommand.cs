using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Analysis;
using Microsoft.Diagnostics.Tracing.Analysis.GC;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using OrleansChat.Bench.Results;
using Spectre.Console;
using EtlxLog = Microsoft.Diagnostics.Tracing.Etlx.TraceLog;

namespace OrleansChat.Bench.Cli;

/// <summary>
/// <c>gc-trace</c>: summarizes the garbage collections in a <c>dotnet-trace</c> file taken with the
/// runtime's GC keyword (<c>--providers Microsoft-Windows-DotNETRuntime:0x1:5</c>): pauses per
/// generation, where the longest pauses spent their mark phase (at verbose level), and, from the
/// allocation-tick samples, which types were allocated.
/// </summary>
internal static class GcTraceCommand
{
    public static int Run(BenchArgs args)
    {
        var files = (args.GetString("trace") ?? throw new ArgumentException("gc-trace needs --trace FILE.nettrace[,FILE...]."))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var longest = args.GetInt("longest", 5);
        var stacks = args.GetInt("stacks", 0);
        args.ThrowIfUnused();

        foreach (var file in files)
        {
            Summarize(file, longest);
            if (stacks > 0)
            {
                AllocationStacks(file, stacks);
            }
        }

        return 0;
    }

    // Where the sampled allocations came from: the managed frames above each allocation-tick event
    // (EventPipe records a stack with every event; method names come from the rundown dotnet-trace
    // collects at the end), summed by type and the first three frames that are not the compiler's
    // async helpers. Plain lines, one per stack, so that they stay whole in a file.
    private static void AllocationStacks(string file, int count)
    {
        using var log = EtlxLog.OpenOrConvert(EtlxLog.CreateFromEventPipeDataFile(file));
        var bytesByStack = new Dictionary<string, long>();
        long total = 0;
        foreach (var e in log.Events)
        {
            if (e is not GCAllocationTickTraceData tick)
            {
                continue;
            }

            var frames = new List<string>();
            for (var frame = e.CallStack(); frame is not null && frames.Count < 3; frame = frame.Caller)
            {
                var name = frame.CodeAddress.FullMethodName;
                if (!string.IsNullOrEmpty(name) && !name.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal))
                {
                    frames.Add(name.Length > 110 ? name[..110] : name);
                }
            }

            var key = $"{tick.TypeName} <- {string.Join(" <- ", frames)}";
            bytesByStack[key] = bytesByStack.GetValueOrDefault(key) + tick.AllocationAmount64;
            total += tick.AllocationAmount64;
        }

        Console.WriteLine($"allocation samples by stack (type <- allocating frames), top {count}:");
        foreach (var (stack, bytes) in bytesByStack.OrderByDescending(s => s.Value).Take(count))
        {
            Console.WriteLine($"{(100.0 * bytes / Math.Max(1, total)).ToString("0.0", CultureInfo.InvariantCulture),5} %  {stack}");
        }
    }

    private static void Summarize(string file, int longest)
    {
        using var source = new EventPipeEventSource(file);
        var allocated = new Dictionary<string, long>();
        source.Clr.GCAllocationTick += e => allocated[e.TypeName ?? "?"] = allocated.GetValueOrDefault(e.TypeName ?? "?") + e.AllocationAmount64;
        source.NeedLoadedDotNetRuntimes();
        source.Process();
        var seconds = (source.SessionEndTime - source.SessionStartTime).TotalSeconds;
        var gcs = source.Processes().Select(p => p.LoadedDotNetRuntime()).OfType<TraceLoadedDotNetRuntime>().SelectMany(r => r.GC.GCs).ToList();
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(file)}[/]: {gcs.Count} GCs in {seconds:0.0} s, paused {gcs.Sum(g => g.PauseDurationMSec):0} ms in all");

        var byKind = new Table().AddColumns("gen", "kind", "count", "pause p50 ms", "max ms", "total ms", "promoted MB, mean");
        foreach (var kind in gcs.GroupBy(g => (g.Generation, g.Type)).OrderBy(k => k.Key.Generation))
        {
            var pauses = kind.Select(g => g.PauseDurationMSec).Order().ToArray();
            byKind.AddRow(Cells(kind.Key.Generation, kind.Key.Type, pauses.Length, pauses[pauses.Length / 2], pauses[^1], pauses.Sum(), kind.Average(g => g.PromotedMB)));
        }

        AnsiConsole.Write(byKind);
        // Mark time by where the roots came from; "older" is the card table: references from older
        // generations into the one being collected, written since the last GC.
        (MarkRootType Root, string Name)[] roots = [(MarkRootType.MarkStack, "stacks"), (MarkRootType.MarkHandles, "handles"), (MarkRootType.MarkOlder, "older"), (MarkRootType.MarkFQ, "finalizer")];
        var marks = new Table().AddColumns(["GC", "gen", "pause ms", .. roots.Select(r => $"{r.Name} ms")]);
        foreach (var gc in gcs.OrderByDescending(g => g.PauseDurationMSec).Take(longest))
        {
            var times = gc.PerHeapMarkTimes?.Values.FirstOrDefault()?.MarkTimes;
            marks.AddRow(Cells([gc.Number, gc.Generation, gc.PauseDurationMSec, .. roots.Select(r => times is null ? double.NaN : Math.Max(0, times[(int)r.Root]))]));
        }

        AnsiConsole.Write(marks);
        var total = allocated.Values.Sum();
        if (total > 0)
        {
            AnsiConsole.MarkupLine($"allocation samples: {total / 1e6:0} MB ({total / 1e6 / seconds:0.0} MB/s)");
            var types = new Table().AddColumns("type", "share");
            foreach (var (type, bytes) in allocated.OrderByDescending(t => t.Value).Take(12))
            {
                types.AddRow(Markup.Escape(type), (100.0 * bytes / total).ToString("0.0' %'", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(types);
        }
    }

    private static string[] Cells(params object[] values) => values.Select(v => Markup.Escape(v switch
    {
        double d => ResultTable.Format(d),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    })).ToArray();
}
