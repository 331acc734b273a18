namespace OrleansChat.Tests.Infrastructure;

/// <summary>Message texts for the length limit, which counts Unicode scalar values, not UTF-16 code units.</summary>
public static class Texts
{
    /// <summary>One character outside the Basic Multilingual Plane: two UTF-16 code units, four UTF-8 bytes.</summary>
    public const string Emoji = "😀";

    /// <summary><paramref name="count"/> times <paramref name="unit"/>.</summary>
    public static string Repeat(string unit, int count) => string.Concat(Enumerable.Repeat(unit, count));
}
