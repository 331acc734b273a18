using System.Text.Json.Serialization;

namespace OrleansChat.Bench.Results;

/// <summary>Source-generated JSON for result files.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ScenarioResult))]
internal sealed partial class ResultJsonContext : JsonSerializerContext;
