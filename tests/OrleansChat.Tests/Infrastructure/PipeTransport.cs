using System.IO.Pipelines;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>A connection's transport made of two in-memory pipes, for the stream and keep-alive under a directly upgraded socket.</summary>
internal sealed record PipeTransport(PipeReader Input, PipeWriter Output) : IDuplexPipe;
