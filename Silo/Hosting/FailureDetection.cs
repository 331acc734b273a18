using Orleans.Configuration;

namespace OrleansChat.Silo.Hosting;

/// <summary>
/// How fast the silos of a Redis cluster declare one of them dead. Orleans' defaults take about
/// 15 to 30 s (three missed probes of 5 s each); a room whose grain was on the dead silo takes no
/// sends until then, and the issue asks for a few seconds.
/// </summary>
/// <remarks>
/// What each value does (Orleans 10, src/Orleans.Runtime/MembershipService: SiloHealthMonitor,
/// ClusterHealthMonitor, MembershipTableManager): every silo probes <c>NumProbedSilos</c> others,
/// one probe per <c>ProbeTimeout</c> period; a silo that misses <c>NumMissedProbesLimit</c> probes
/// in a row is suspected, and the prober writes a vote in the membership table; with
/// <c>NumVotesForDeathDeclaration</c> unexpired votes the silo is written down as dead, and every
/// silo and gateway stops routing to it. A kill -9 on loopback refuses the probes' connections at
/// once, so detection takes about <c>NumMissedProbesLimit</c> probe periods.
/// </remarks>
internal static class FailureDetection
{
    /// <summary>One probe a second: three missed ones (3 s) make a suspicion; Orleans' 5 s gives 15 s.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Orleans' default (3): fewer would let one slow garbage collection under load look like a death.</summary>
    public const int MissedProbesLimit = 3;

    /// <summary>
    /// Two voters, Orleans' default: with three silos both survivors probe the dead one and vote at
    /// about the same time. Orleans asks for at most half the active silos' votes, rounded up
    /// (<c>Math.Min(NumVotesForDeathDeclaration, (activeNonStaleSilos + 1) / 2)</c> in
    /// MembershipTableManager.TryToSuspectOrKill), so a lone survivor's vote is enough.
    /// </summary>
    public const int VotesForDeath = 2;

    /// <summary>
    /// Votes older than this no longer count (Orleans: 2 minutes). Shorter, so that a silo suspected
    /// once during a pause it recovered from is not declared dead by a second, unrelated vote later.
    /// </summary>
    public static readonly TimeSpan VoteExpiration = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a silo reads the whole membership table (Orleans: 60 s). Changes are gossiped at
    /// once, so this is the fallback; 5 s bounds how long a silo that missed the gossip (it was paused,
    /// or just starting) keeps a stale view, and so how long a paused silo that was declared dead may
    /// run before it reads its own death and ends its process.
    /// </summary>
    public static readonly TimeSpan TableRefresh = TimeSpan.FromSeconds(5);

    /// <summary>Applies the values above.</summary>
    public static void Configure(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = MissedProbesLimit;
        options.NumVotesForDeathDeclaration = VotesForDeath;
        options.DeathVoteExpirationTimeout = VoteExpiration;
        options.TableRefreshTimeout = TableRefresh;
    }
}
