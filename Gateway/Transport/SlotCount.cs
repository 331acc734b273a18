namespace OrleansChat.Gateway.Transport;

/// <summary>A count of slots taken under an optional limit, without a lock (as Kestrel's connection limits count).</summary>
internal static class SlotCount
{
    /// <summary>Adds one to <paramref name="count"/> unless it has reached <paramref name="limit"/> (null: no limit).</summary>
    public static bool TryTake(ref long count, long? limit)
    {
        while (true)
        {
            var taken = Volatile.Read(ref count);
            if (taken >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref count, taken + 1, taken) == taken)
            {
                return true;
            }
        }
    }
}
