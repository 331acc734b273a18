using System.Runtime.CompilerServices;

namespace OrleansChat.Gateway.Api;

/// <summary>Checks the <c>Authorization: Bearer</c> key of a request that posts over HTTP.</summary>
internal static class ApiKey
{
    /// <summary>True when the request carries exactly the configured key (which is not empty).</summary>
    public static bool IsPresented(HttpRequest request, string key)
    {
        const string Scheme = "Bearer ";
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return key.Length > 0 && FixedTimeEquals(value.AsSpan(Scheme.Length).Trim(), key);
    }

    // Compares every presented character, against the key's characters in turn, whatever it finds, so the time taken
    // depends on the presented length only and tells a caller nothing of the key or its length. (Hashing both sides
    // and comparing the hashes does the same with two SHA-256 calls into OpenSSL per post, about 4 % of the gateway's
    // CPU at the one-room rate.) Not optimized, like CryptographicOperations.FixedTimeEquals, so the JIT cannot
    // turn the loop into one that stops at the first difference.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.NoOptimization)]
    private static bool FixedTimeEquals(ReadOnlySpan<char> presented, string key)
    {
        var difference = presented.Length ^ key.Length;
        for (var i = 0; i < presented.Length; i++)
        {
            difference |= presented[i] ^ key[i % key.Length];
        }

        return difference == 0;
    }
}
