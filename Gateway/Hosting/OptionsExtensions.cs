using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway.Hosting;

/// <summary>How every options class of the gateway is registered: bound, validated, and checked at start.</summary>
public static class OptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="section"/> and validates its data
    /// annotations (and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>) when
    /// the host starts, so a bad setting stops the process with a message naming its key.
    /// </summary>
    public static OptionsBuilder<T> AddChatOptions<T>(this IServiceCollection services, string section)
        where T : class =>
        services.AddOptions<T>()
            .BindConfiguration(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
}
