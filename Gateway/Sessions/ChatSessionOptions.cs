using System.ComponentModel.DataAnnotations;

namespace OrleansChat.Gateway.Sessions;

/// <summary>What one socket's session allows; bound from <c>Chat:Gateway</c>. Each default is the wire contract's.</summary>
public sealed class ChatSessionOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Chat:Gateway";

    /// <summary>The longest message text in characters (<c>too_long</c> past it). Default 4,000.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Chat:Gateway:MaxTextLength must be between {1} and {2}.")]
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>Rooms one socket may be in at once (<c>too_many_rooms</c> past it). Default 100.</summary>
    [Range(1, 100_000, ErrorMessage = "Chat:Gateway:MaxRoomsPerConnection must be between {1} and {2}.")]
    public int MaxRoomsPerConnection { get; set; } = 100;

    /// <summary>Sends and typing hints per second per connection. Default 10.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Chat:Gateway:SendsPerSecond must be between {1} and {2}.")]
    public int SendsPerSecond { get; set; } = 10;

    /// <summary>The burst of sends and typing hints a connection may make at once; at least <see cref="SendsPerSecond"/>. Default 20.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Chat:Gateway:SendBurst must be between {1} and {2}.")]
    public int SendBurst { get; set; } = 20;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SendBurst < SendsPerSecond)
        {
            yield return new ValidationResult("Chat:Gateway:SendBurst must be at least Chat:Gateway:SendsPerSecond.", [nameof(SendBurst)]);
        }
    }
}
